using Finsam.Core.Analysis;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>Comparison maths with values a reader can check by hand, and on real runs.</summary>
public class ComparisonTests
{
    /// <summary>A summary with only what the comparison reads: one headline figure per replicate and one party.</summary>
    private static RunSummary Summary(ulong seed, double[] served, double[]? net = null)
    {
        var reps = served.Select((v, k) => new ReplicateFigures(k, new Dictionary<string, double?> { ["served"] = v },
            net is null ? null : [new PartyFigures("FK", 100, 0, 50 + net[k], 50, 100 + net[k])])).ToList();
        var stat = Stat.Of(served)!;
        var party = new PartySummary("FK", "Försäkringskassan", "FK", new Stat(100, 100, 100, 100), Stat.Zero, Stat.Zero, Stat.Zero, Stat.Zero,
            Stat.Of(reps.Select(r => r.Parties?[0].Net ?? 0))!);
        return new RunSummary(
            new RunInfo("Test", "test.yaml", null, seed, served.Length, "2020-01", "2020-12", 12, "mean and 90 % interval", []),
            [new Figure("served", "People served", "people", stat)], [], [], [party], [], [],
            new MonthlySeries([], [], [], []), null, reps);
    }

    [Fact]
    public void Paired_differences_and_probabilities_can_be_checked_by_hand()
    {
        // Reference served 10, 20, 30, 40; alternative 12, 20, 35, 38 → differences +2, 0, +5, −2:
        // mean +1.25; higher in 2 of 4 replicates, lower in 1, one tie; "served" is better when higher.
        var result = Comparison.Compare(
        [
            new Alternative("a", null, Summary(7, [10, 20, 30, 40])),
            new Alternative("b", "more places", Summary(7, [12, 20, 35, 38])),
        ]);
        var served = Assert.Single(result.Figures);
        Assert.Equal(Better.Higher, served.Better);
        var b = served.Values[1];
        Assert.Equal(1.25, b.Difference!.Mean);
        Assert.Equal(0.5, b.ProbabilityHigher);
        Assert.Equal(0.25, b.ProbabilityLower);
        Assert.Equal(0.5, b.ProbabilityBetter);
        Assert.Equal(4, b.Pairs);
        // The reference has no difference against itself.
        Assert.Null(served.Values[0].Difference);
        Assert.Equal("a", result.Reference);
    }

    [Fact]
    public void For_a_party_less_net_cost_is_better()
    {
        // Net 100 + (−5, 0, 5) against 100 + (0, 0, 0): lower (better for the party) once, higher once.
        var result = Comparison.Compare(
        [
            new Alternative("a", null, Summary(1, [1, 1, 1], net: [0, 0, 0])),
            new Alternative("b", null, Summary(1, [1, 1, 1], net: [-5, 0, 5])),
        ]);
        var fk = Assert.Single(result.Parties);
        var net = fk.Measures.Single(m => m.Key == "net");
        Assert.Equal(Better.Lower, net.Better);
        Assert.Equal(1 / 3.0, net.Values[1].ProbabilityBetter!.Value, 5);
        Assert.Equal(0, net.Values[1].Difference!.Mean);
        // Contributions are equal in every replicate: difference exactly zero, so no probability to report.
        var contribution = fk.Measures.Single(m => m.Key == "contribution");
        Assert.Equal(Stat.Zero, contribution.Values[1].Difference);
        Assert.Null(contribution.Values[1].ProbabilityBetter);
        Assert.Null(contribution.Values[1].ProbabilityHigher);
    }

    [Fact]
    public void Alternatives_run_with_different_seeds_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Comparison.Compare(
            [new Alternative("a", null, Summary(1, [1, 2])), new Alternative("b", null, Summary(2, [1, 2]))]));
        Assert.Contains("same seed", e.Message);
    }

    [Fact]
    public async Task Identical_alternatives_differ_by_exactly_zero_and_show_no_probability_of_being_better()
    {
        var scenario = ScenarioLoader.Load(Path.Combine(Repo.Scenarios, "example-forbund.yaml"));
        var options = new RunOptions { Replicates = 12 };
        var a = Summariser.Summarise(await Simulator.RunAsync(scenario, options));
        var b = Summariser.Summarise(await Simulator.RunAsync(scenario, options));
        var result = Comparison.Compare([new Alternative("base", null, a), new Alternative("again", null, b)]);
        Assert.All(result.Figures.Concat(result.Parties.SelectMany(p => p.Measures)), f =>
        {
            var v = f.Values[1];
            if (v.Pairs == 0) return;
            Assert.Equal(Stat.Zero, v.Difference);
            Assert.Null(v.ProbabilityHigher);
            Assert.Null(v.ProbabilityLower);
            Assert.Null(v.ProbabilityBetter);
        });
        Assert.Equal(5, result.Parties.Count);
    }

    [Fact]
    public async Task More_places_serve_more_people_with_probability_near_one()
    {
        // Referrals (20 a month) far exceed 10 places; the variant doubles the places. People leaving go to work,
        // so FK, which pays their sjukpenning, pays less — and contributes exactly the same.
        var t = new TinyScenario
        {
            Replicates = 40,
            Extra = """
                variants:
                  - name: more
                    set:
                      insatser[a].capacity.places: 20
                """,
        };
        var source = ScenarioSource.FromText("tiny.yaml", t.Yaml());
        var options = new RunOptions();
        var baseRun = Summariser.Summarise(await Simulator.RunAsync(ScenarioLoader.Load(source), options));
        var more = Summariser.Summarise(await Simulator.RunAsync(ScenarioLoader.Load(source, "more"), options));
        var result = Comparison.Compare([new Alternative("base", null, baseRun), new Alternative("more", null, more)]);

        var served = result.Figures.Single(f => f.Key == "served").Values[1];
        Assert.Equal(40, served.Pairs);
        Assert.True(served.ProbabilityBetter >= 0.975, $"P(more serves more) = {served.ProbabilityBetter}");
        Assert.True(served.Difference!.P5 > 0);
        var wait = result.Figures.Single(f => f.Key == "mean_wait_months").Values[1];
        Assert.True(wait.ProbabilityBetter >= 0.975, $"P(shorter wait) = {wait.ProbabilityBetter}");

        var fk = result.Parties.Single(p => p.Party == "FK");
        Assert.True(fk.Measures.Single(m => m.Key == "ersattning_paid").Values[1].ProbabilityBetter >= 0.975);
        Assert.Equal(Stat.Zero, fk.Measures.Single(m => m.Key == "contribution").Values[1].Difference);
    }
}
