using Finsam.Core.Evidence;
using Finsam.Core.Loading;
using Finsam.Core.Priors;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>
/// <c>finsam learn</c>, the priors file and <c>priors:</c> in scenarios: the fit recovers what constructed data
/// hold, the file reads back, every shipped scenario runs with priors, an insats that states only its capacity
/// takes the rest from its kind, and a stated realised mean stay is met.
/// </summary>
public sealed class PriorsTests
{
    private const string PriorsInclude = "priors/library.yaml";
    private static string ShippedPriors => File.ReadAllText(Path.Combine(Repo.Scenarios, "priors", "library.yaml"));

    private static EvidenceInsats Insats(string id, string kind, double[] start, double[] exits)
    {
        EvidenceCategory Cat(int c) => new(OutcomeClasses.All[c], new HashSet<string>([OutcomeClasses.Representative[OutcomeClasses.All[c]]]));
        EvidenceRecord Rec(string measure, double[] counts) => new(measure, "ended", counts.Sum(),
            counts.Select((n, c) => new EvidenceCell(null, Cat(c), n)).ToList(), 0, EvidenceVocabulary.Unknown, null, null, "t", SourcePos.None);
        return new EvidenceInsats("s-" + id, id, id, null, kind, [], null, null, [], null, null, null, null, null,
            [Rec(EvidenceVocabulary.StartOccupation, start), Rec(EvidenceVocabulary.ExitOccupation, exits)], SourcePos.None);
    }

    [Fact]
    public void Exits_that_equal_the_starts_are_learned_as_keeping_the_start_class()
    {
        var data = ExitEvidence.From([
            Insats("a", "kartlaggning", [40, 0, 0, 0, 0], [40, 0, 0, 0, 0]),
            Insats("b", "kartlaggning", [0, 0, 40, 0, 0], [0, 0, 40, 0, 0]),
            Insats("c", "kartlaggning", [0, 0, 0, 40, 0], [0, 0, 0, 40, 0]),
            Insats("d", "kartlaggning", [0, 40, 0, 0, 0], [0, 40, 0, 0, 0]),
        ]);
        var fit = ExitPriorFitter.Fit(data);
        Assert.True(fit.KeepShare("kartlaggning").Mean > 0.8, $"keep share {fit.KeepShare("kartlaggning").Mean}");
    }

    [Fact]
    public void Exits_that_ignore_the_starts_are_learned_as_the_kind_mean_and_kinds_are_told_apart()
    {
        var data = ExitEvidence.From([
            Insats("a", "arbetstraning", [40, 0, 0, 0, 0], [2, 2, 2, 4, 30]),
            Insats("b", "arbetstraning", [0, 0, 40, 0, 0], [3, 1, 2, 4, 30]),
            Insats("c", "arbetstraning", [0, 0, 0, 40, 0], [2, 1, 3, 4, 30]),
            Insats("d", "unga-vagledning", [0, 0, 40, 0, 0], [15, 20, 2, 1, 2]),
            Insats("e", "unga-vagledning", [0, 0, 0, 40, 0], [16, 19, 2, 1, 2]),
            Insats("f", "unga-vagledning", [40, 0, 0, 0, 0], [15, 19, 3, 1, 2]),
        ]);
        var fit = ExitPriorFitter.Fit(data);
        Assert.True(fit.KeepShare("arbetstraning").Mean < 0.2, $"keep share {fit.KeepShare("arbetstraning").Mean}");
        var training = fit.MeanExit("arbetstraning", (double[]?)null);
        var young = fit.MeanExit("unga-vagledning", (double[]?)null);
        Assert.True(training[4] > 0.5, $"arbetstraning → ovrigt {training[4]}");
        Assert.True(young[0] + young[1] > 0.6, $"unga → work or studies {young[0] + young[1]}");
    }

    [Fact]
    public void The_shipped_library_learns_and_its_priors_read_back_for_every_kind()
    {
        var (library, problems) = EvidenceLoader.LoadPath(Repo.Path_("evidence"), EvidenceTests.Vocabulary);
        Assert.Empty(problems);
        var text = PriorsWriter.Write(Learner.Learn(library!), "test");
        Assert.Equal(text, PriorsWriter.Write(Learner.Learn(library!), "test"));   // same evidence, same bytes
        var bag = new DiagnosticBag();
        var file = PriorsFile.Read("p.yaml", text, bag);
        Assert.False(bag.HasErrors, string.Join("\n", bag.Items));
        foreach (var kind in EvidenceVocabulary.InsatsKinds.Append(PriorsWriter.DefaultKind))
        {
            var k = file!.For(kind);
            Assert.Equal(6, k.ByStart.Count);
            Assert.All(k.ByStart.Values, w => Assert.True(w.Sum() > 0));
            Assert.InRange(k.DropoutMean, 0, 1);
        }
        var shipped = PriorsFile.Read("library.yaml", ShippedPriors, bag);
        Assert.NotNull(shipped);
    }

    public static TheoryData<string> Scenarios() => ShippedScenarioTests.Files();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Shipped_scenarios_run_with_priors(string file)
    {
        var plain = ScenarioSource.FromFile(Path.Combine(Repo.Scenarios, file));
        var includes = new Dictionary<string, string>(plain.Includes) { [PriorsInclude] = ShippedPriors };
        var source = plain with { Text = plain.Text + $"\npriors: {PriorsInclude}\n", Includes = includes };
        Assert.Empty(ScenarioLoader.Validate(source));
        var scenario = ScenarioLoader.Load(source);
        var run = await Simulator.RunAsync(scenario, new RunOptions { Replicates = 3, MaxParallelism = 2 });
        if (scenario.Insatser.Any(i => i.Kind == InsatsKind.Individual))
            Assert.True(run.Replicates.Sum(r => r.Admitted.Sum()) > 0);
    }

    private static string Scenario(string insats) => $$"""
        finsam: 1
        catalog: catalog/sweden-2016.yaml
        priors: {{PriorsInclude}}
        forbund: { name: Prior }
        horizon: { start: 2020-01, months: 36 }
        seed: 5
        replicates: 20
        parties:
          - { id: FK, kind: FK, share: 1 }
        budget:
          lines: [ { id: bas } ]
          years: [ { year: 2020, total: 1_000_000, shares: { bas: 1 } } ]
        target_groups:
          - { id: g, income: { Sjukpenning: 0.5, A-kassa: 0.5 }, occupation: { Sjuk utan daglig sysselsättning: 0.5, Arbetsökande utan daglig sysselsättning: 0.5 } }
        referrals: [ { from: FK, target_group: g, to: coach, rate: 4 } ]
        insatser:
          - id: coach
            kind: individual
        {{insats}}
        """;

    private static ScenarioSource Source(string text) => ScenarioSource.FromText("prior.yaml", text, new Dictionary<string, string>
    {
        ["catalog/sweden-2016.yaml"] = File.ReadAllText(Path.Combine(Repo.Scenarios, "catalog", "sweden-2016.yaml")),
        [PriorsInclude] = ShippedPriors,
    });

    [Fact]
    public async Task An_insats_that_states_only_its_capacity_takes_exits_dropout_caseload_and_stay_from_its_kind()
    {
        var scenario = ScenarioLoader.Load(Source(Scenario("""
                insats_kind: samverkansteam
                capacity: { fte: 2 }
            """)));
        var coach = scenario.Insatser.Single();
        Assert.Equal("samverkansteam", coach.EvidenceKind);
        Assert.Equal("priors-samverkansteam", coach.ExitModel);
        Assert.Contains(scenario.ExitModels, m => m.Id == "priors-samverkansteam");
        Assert.IsType<BetaValue>(coach.Dropout!.Dist);
        Assert.NotNull(coach.Caseload);
        Assert.Equal(DurationKind.Geometric, coach.Duration!.Kind);
        Assert.Equal(5, scenario.PriorsNotes.Count);   // caseload, realised stay, exits, dropout, and the intended stay that meets the realised one
        var run = await Simulator.RunAsync(scenario, new RunOptions { Replicates = 5 });
        Assert.True(run.Replicates.Sum(r => r.Admitted.Sum()) > 0);
    }

    [Fact]
    public void What_the_scenario_states_wins_over_the_priors()
    {
        var scenario = ScenarioLoader.Load(Source(Scenario("""
                insats_kind: samverkansteam
                capacity: { fte: 2, caseload: 7 }
                duration: { distribution: fixed, months: 4 }
                exits: { Förvärvsarbetande: 1 }
                dropout: 0.02
            """)));
        var coach = scenario.Insatser.Single();
        Assert.Null(coach.ExitModel);
        Assert.Equal(7, coach.Caseload!.Mean);
        Assert.Equal(0.02, coach.Dropout!.Mean);
        Assert.Equal(DurationKind.Fixed, coach.Duration!.Kind);
        Assert.Empty(scenario.PriorsNotes);
    }

    [Fact]
    public void A_stated_realised_mean_stay_is_met_after_dropout()
    {
        var scenario = ScenarioLoader.Load(Source(Scenario("""
                capacity: { places: 10 }
                duration: { realised_mean: 12 }
                dropout: 0.03
                exits: { Förvärvsarbetande: 1 }
            """)));
        var coach = scenario.Insatser.Single();
        var mu = coach.Duration!.Mean!.Mean;
        // Each month someone leaves with probability 1 − (1 − 1/μ)(1 − h): the realised mean stay is its inverse.
        Assert.Equal(12, 1 / (1 - (1 - 1 / mu) * (1 - 0.03)), 6);
        Assert.True(mu > 12);
        Assert.Contains(scenario.PriorsNotes, n => n.Contains("realised mean stay 12 months met", StringComparison.Ordinal));
    }

    [Fact]
    public void A_realised_stay_that_dropout_alone_prevents_and_an_unknown_kind_are_refused()
    {
        var problems = ScenarioLoader.Validate(Source(Scenario("""
                insats_kind: samverkansteamet
                capacity: { places: 10 }
                duration: { realised_mean: 12 }
                dropout: 0.2
                exits: { Förvärvsarbetande: 1 }
            """)));
        Assert.Contains(problems, d => d.Path == "insatser[coach].insats_kind" && d.Message.StartsWith("unknown insats_kind 'samverkansteamet' (did you mean 'samverkansteam'?)", StringComparison.Ordinal));
        Assert.Contains(problems, d => d.Path == "insatser[coach].duration" && d.Message.Contains("cannot be met", StringComparison.Ordinal));
    }
}
