using Finsam.Core.Analysis;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>The variance shares on constructed models whose answer is known.</summary>
public class SensitivityTests
{
    private static double[] Uniform(ulong stream, int n) => Enumerable.Range(0, n).Select(k => Rng.Uniform(stream, k)).ToArray();

    private static SensitivityResult Analyse(double[] x1, double[] x2, Func<int, double> y)
    {
        var n = x1.Length;
        var figures = Enumerable.Range(0, n).Select(k => (IReadOnlyDictionary<string, double?>)new Dictionary<string, double?> { ["y"] = y(k) }).ToList();
        return Sensitivity.Analyse(
            [(new SensitivityInput("x1", "uniform(0, 1)"), x1), (new SensitivityInput("x2", "uniform(0, 1)"), x2)],
            [("y", "Y", "people")], figures)!;
    }

    [Fact]
    public void One_input_explains_all_the_variance_and_another_none()
    {
        var x1 = Uniform(1, 400);
        var x2 = Uniform(2, 400);
        var f = Assert.Single(Analyse(x1, x2, k => 10 * x1[k]).Figures);
        var s1 = f.Shares.Single(s => s.Input == "x1").Share;
        Assert.True(s1 >= 0.95, $"x1 explains {s1}");
        Assert.DoesNotContain(f.Shares, s => s.Input == "x2");
        Assert.True(f.Explained <= 1);
    }

    [Fact]
    public void Two_equal_additive_inputs_share_the_variance_and_sum_to_at_most_one()
    {
        var x1 = Uniform(3, 400);
        var x2 = Uniform(4, 400);
        var f = Assert.Single(Analyse(x1, x2, k => x1[k] + x2[k]).Figures);
        Assert.Equal(2, f.Shares.Count);
        Assert.All(f.Shares, s => Assert.InRange(s.Share, 0.38, 0.62));
        Assert.True(f.Shares.Sum(s => s.Share) <= 1 + 1e-9);
        Assert.Equal(1, f.Explained + f.Unexplained, 6);
    }

    [Fact]
    public void Pure_noise_is_explained_by_no_input()
    {
        var x1 = Uniform(5, 300);
        var x2 = Uniform(6, 300);
        var noise = Uniform(7, 300);
        var f = Assert.Single(Analyse(x1, x2, k => noise[k]).Figures);
        Assert.Empty(f.Shares);
        Assert.Equal(1, f.Unexplained);
    }

    [Fact]
    public async Task A_run_explains_its_figures_by_the_scenarios_uncertain_numbers_and_never_more_than_all()
    {
        var s = ScenarioLoader.Load(Path.Combine(Repo.Scenarios, "example-forbund.yaml"));
        var summary = Summariser.Summarise(await Simulator.RunAsync(s, new RunOptions { Replicates = 40 }));
        var sens = Assert.IsType<SensitivityResult>(summary.Sensitivity);
        Assert.Contains(sens.Inputs, i => i.Key == "insatser[coach].cost.per_fte_year");
        Assert.Contains(sens.Inputs, i => i.Key.StartsWith("valuation.", StringComparison.Ordinal));
        Assert.DoesNotContain(sens.Inputs, i => i.Key == "insatser[arbetsträning].cost.per_place_month"); // fixed: not uncertain
        Assert.All(sens.Figures, f => Assert.True(f.Shares.Sum(x => x.Share) <= 1 + 1e-6, $"{f.Figure}: {f.Shares.Sum(x => x.Share)}"));
        // Spending depends on the coach's cost per FTE and nothing about people: it must be named.
        var spend = sens.Figures.Single(f => f.Figure == "spend");
        Assert.Equal("insatser[coach].cost.per_fte_year", spend.Shares[0].Input);
        Assert.Contains("sensitivity.csv", ResultWriter.Files(summary).Keys);
    }
}
