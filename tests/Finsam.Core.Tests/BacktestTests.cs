using Finsam.Core.Calibration;
using Finsam.Core.Loading;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Tests;

/// <summary>The hold-one-out backtest of exit forecasts on the RAR file, and its baselines.</summary>
public sealed class BacktestTests
{
    private static Scenario Rar() => ScenarioLoader.Load(Path.Combine(Repo.Scenarios, "rar-sormland-2007.yaml"));

    [Fact]
    public async Task Backtest_on_the_rar_file_holds_out_each_of_the_six_insatser_and_scores_every_method()
    {
        var result = await Backtest.RunAsync(Rar(), new BacktestOptions { Replicates = 8, Seed = 3 });

        Assert.Equal(["kv", "flen-vc", "ekensberg-vc", "trosam", "ungdomstorget", "villa-bergsund"], result.Rows.Select(r => r.Insats));
        foreach (var row in result.Rows)
        {
            foreach (var s in new[] { row.Finsam, row.StartAsExit, row.Pooled })
            {
                Assert.True(s.Tvd is >= 0 and <= 1, $"{row.Insats} {s.Method}: TVD {s.Tvd}");
                Assert.True(s.LogScore is { } l && double.IsFinite(l) && l <= 0, $"{row.Insats} {s.Method}: log score {s.LogScore}");
                Assert.InRange(s.Inside!.Value, 0, s.Intervals!.Value);
                Assert.Equal(result.ScoredCategories.Count, s.Intervals);
                Assert.Equal(1, s.Shares!.Sum(), 6);
            }
            Assert.True(row.Exits > 0);
        }
        // Goals exist for Trosam, Ungdomstorget and Villa Bergsund only.
        Assert.Equal(["trosam", "ungdomstorget", "villa-bergsund"], result.Rows.Where(r => r.Goal.Tvd is not null).Select(r => r.Insats));
        Assert.All(result.Rows.Where(r => r.Goal.Tvd is null), r => Assert.StartsWith("n/a", r.GoalText, StringComparison.Ordinal));
    }

    [Fact]
    public void The_held_out_insats_never_informs_its_own_exit_model()
    {
        var s = Rar();
        var cases = Backtest.Cases(s);
        var occupations = s.Occupations.Select(o => o.Id).ToArray();
        var held = cases.Single(c => c.Insats.Id == "ungdomstorget");
        var training = cases.Where(c => c != held).ToList();
        var fit = Backtest.FitModel(training, occupations, 10, 1);
        // Ungdomstorget is the only insats with people in 'Svar saknas' at start: no row for it, they use the default (the prior).
        Assert.DoesNotContain("Svar saknas", fit.RowOccupations);
        Assert.Equal(fit.Prior, fit.Model.Default!.Weights);
        // And what the EM attributes to the rows adds up to the training insatser's planned exits.
        Assert.Equal(training.Sum(c => c.Planned.Sum()), fit.Fit.Expected.Sum(r => r.Sum()), 6);
    }

    [Fact]
    public void Unplanned_exits_recorded_for_the_same_period_are_taken_out_of_dropout_to()
    {
        var kv = Backtest.Cases(Rar()).Single(c => c.Insats.Id == "kv");
        var annat = Rar().Occupations.Select(o => o.Id).ToList().IndexOf("Annat");
        Assert.Equal(6, kv.Exits[annat]);     // recorded exits to Annat
        Assert.Equal(4, kv.Planned[annat]);   // minus the 2 recorded unplanned exits (dropout.to: Annat)
    }

    [Fact]
    public void A_goal_becomes_a_distribution_by_the_pooled_exits_within_and_outside_its_groups()
    {
        string[] occ = ["A", "B", "C", "D", "E"];
        double[] pooled = [0.1, 0.3, 0.2, 0.4, 0];
        var goal = new ExitGoal([new GoalPart(0.5, ["A", "B"]), new GoalPart(0.2, ["C"])], null);
        var (shares, text) = Backtest.GoalDistribution(goal, occ, pooled);
        // A:B = 1:3 within 50 %; C gets 20 %; the remaining 30 % goes to D and E by the pooled 0.4 : 0.
        Assert.Equal([0.125, 0.375, 0.2, 0.3, 0], shares!.Select(x => Math.Round(x, 12)));
        Assert.Contains("rest 30%", text, StringComparison.Ordinal);
        Assert.Null(Backtest.GoalDistribution(null, occ, pooled).Shares);
    }

    [Fact]
    public void Binomial_interval_is_the_5th_to_95th_percentile()
    {
        // Binomial(10, 0.5): P(X ≤ 1) = 0.011, P(X ≤ 2) = 0.055; P(X ≤ 7) = 0.945, P(X ≤ 8) = 0.989.
        Assert.Equal((2, 8), Backtest.BinomialInterval(10, 0.5));
        Assert.Equal((0, 0), Backtest.BinomialInterval(10, 0));
    }
}
