using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>
/// Recorded results in the vocabulary of reports and SUS (scenario format §11): each quantity on a
/// constructed scenario whose answer is known by hand, grouped categories, subgroups, Okänt and
/// Kvar i insats, and the coverage rule.
/// </summary>
public class RecordedResultsTests
{
    /// <summary>Tiny with a third occupation (Studier) and the given recorded block.</summary>
    private static (Scenario Scenario, RunResult Run) Run(TinyScenario t, string recorded, int replicates = 10)
    {
        t.Replicates = replicates;
        t.Extra = "recorded:\n" + recorded;
        var yaml = t.Yaml().Replace("  - { id: Sjuk }\n", "  - { id: Sjuk }\n  - { id: Studier, outcome: studies }\n", StringComparison.Ordinal);
        var s = Loading.ScenarioLoader.Load(Loading.ScenarioSource.FromText("tiny.yaml", yaml));
        return (s, Simulator.RunAsync(s, new RunOptions()).GetAwaiter().GetResult());
    }

    private static TinyScenario Fixed5(string exits = "{ Arbetande: 1 }") => new()
    {
        Insatser = """
              - id: a
                kind: individual
                budget_line: bas
                capacity: { places: 10 }
                cost: { per_place_month: 1000 }
                duration: { distribution: fixed, months: 5 }
            """ + $"\n    exits: {exits}\n",
    };

    private static double TotalExits(RunResult run, ReplicateResult r) => r.Planned.Sum() + r.Dropouts.Sum();

    [Fact]
    public void Everyone_exiting_to_one_state_fills_one_cell_of_each_cross_table()
    {
        var (_, run) = Run(Fixed5(), """
              - { id: occ, quantity: occupation_transition, insats: a, counts: { Sjuk: { Arbetande: 30 } }, source: test }
              - { id: inc, quantity: income_transition, insats: a, counts: { Sjukpenning: { Arbete: 30 } }, source: test }
              - { id: exit-inc, quantity: exit_income, insats: a, counts: { Arbete: 30 }, source: test }
            """);
        var checks = Summariser.Summarise(run).Recorded!.Checks;
        foreach (var (id, cell) in new[] { ("occ", "Sjuk → Arbetande"), ("inc", "Sjukpenning → Arbete"), ("exit-inc", "Arbete") })
        {
            var c = checks.Single(x => x.Id == id);
            var only = Assert.Single(c.Categories!);
            Assert.Equal(cell, only.Category);
            Assert.Equal(1, only.ForecastShare.P5);
            Assert.Equal(0, c.TotalVariationDistance);
            Assert.True(c.Inside);
        }
        // The single cell holds every exit of every replicate.
        var occ = new RecordedForecast(run.Scenario.Recorded[0], run.Index);
        Assert.All(run.Replicates, r => Assert.Equal(TotalExits(run, r), occ.Of(r).Sum()));
        Assert.All(run.Replicates, r => Assert.True(TotalExits(run, r) > 20));
    }

    [Fact]
    public void A_fixed_five_month_stay_has_realised_mean_five_and_every_stay_in_the_four_to_six_band()
    {
        var (_, run) = Run(Fixed5(), """
              - { id: stay, quantity: mean_stay, insats: a, value: 5, source: test }
              - { id: bands, quantity: time_in_insats, insats: a, counts: { 4-6: 30 }, source: test }
            """);
        var s = Summariser.Summarise(run).Recorded!;
        var stay = s.Checks.Single(c => c.Id == "stay");
        Assert.Equal(5, stay.Forecast!.P5);
        Assert.Equal(5, stay.Forecast.P95);
        var bands = new RecordedForecast(run.Scenario.Recorded[1], run.Index);
        Assert.Equal(["0-3", "4-6", "7-12", "13-24", "25-"], bands.Categories);
        Assert.All(run.Replicates, r => Assert.Equal([0, TotalExits(run, r), 0, 0, 0], bands.Of(r)));
    }

    [Fact]
    public void Stay_bands_follow_the_evidence_format()
    {
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4], new[] { 0, 1, 3, 3, 4, 5, 6, 7, 12, 13, 24, 25, 99 }.Select(RecordedCategory.StayBand));
    }

    [Fact]
    public void Reasons_for_ending_are_the_planned_exits_and_the_dropouts()
    {
        var t = Fixed5();
        t.Insatser += "    dropout: 0.1\n";
        var (_, run) = Run(t, """
              - { id: why, quantity: exit_reason, insats: a, counts: { planned: 20, dropout: 8 }, source: test }
            """);
        var why = new RecordedForecast(run.Scenario.Recorded[0], run.Index);
        Assert.Equal(["planned", "dropout"], why.Categories);
        Assert.All(run.Replicates, r => Assert.Equal([r.Planned.Sum(), r.Dropouts.Sum()], why.Of(r)));
        Assert.Contains(run.Replicates, r => r.Dropouts.Sum() > 0);
    }

    [Fact]
    public void Still_enrolled_is_everyone_admitted_who_has_not_ended_and_okant_is_left_out()
    {
        var (_, run) = Run(Fixed5(), """
              - id: exits
                quantity: exit_occupation
                insats: a
                n: 50
                rest: Kvar i insats
                counts: { Arbetande: 30, Okänt: 10 }
                source: test
            """);
        var rec = run.Scenario.Recorded[0];
        Assert.Equal(10, rec.Counts![RecordedCategory.StillEnrolled]);
        var f = new RecordedForecast(rec, run.Index);
        Assert.Equal(["Arbetande", "Sjuk", "Studier", "Kvar i insats"], f.Categories);
        Assert.Equal([30, 0, 0, 10], f.Observed());
        Assert.Equal(10, f.NotAccounted());
        // The insats starts empty, so those enrolled at the end are the admitted minus every kind of exit.
        Assert.All(run.Replicates, r => Assert.Equal(r.Admitted.Sum() - r.Planned.Sum() - r.Dropouts.Sum() - r.Chained.Sum(), f.Of(r)[3]));
        var check = Summariser.Summarise(run).Recorded!.Checks.Single();
        Assert.Equal(40, check.Observed);
        Assert.Equal(10, check.NotAccounted);
    }

    [Fact]
    public void A_group_is_the_sum_of_its_members_and_takes_the_place_of_them()
    {
        var (_, run) = Run(Fixed5("{ Arbetande: 0.3, Studier: 0.3, Sjuk: 0.4 }"), """
              - id: grouped
                quantity: exit_occupation
                insats: a
                groups: { arbete-studier: [Arbetande, Studier] }
                counts: { arbete-studier: 18, Sjuk: 12 }
                source: test
              - { id: plain, quantity: exit_occupation, insats: a, counts: { Arbetande: 9, Sjuk: 12, Studier: 9 }, source: test }
            """);
        var grouped = new RecordedForecast(run.Scenario.Recorded[0], run.Index);
        var plain = new RecordedForecast(run.Scenario.Recorded[1], run.Index);
        Assert.Equal(["arbete-studier", "Sjuk"], grouped.Categories);
        Assert.Equal(["Arbetande", "Sjuk", "Studier"], plain.Categories);
        foreach (var r in run.Replicates)
        {
            var p = plain.Of(r);
            Assert.Equal([p[0] + p[2], p[1]], grouped.Of(r));
        }
        // The interval is over the replicates' group shares, not a sum of the members' intervals.
        var check = Summariser.Summarise(run).Recorded!.Checks.Single(c => c.Id == "grouped");
        var shares = run.Replicates.Select(r => grouped.Of(r) is var g ? g[0] / g.Sum() : 0).ToList();
        Assert.Equal(Stat.Of(shares)!.P5, check.Categories![0].ForecastShare.P5);
    }

    [Fact]
    public void A_top_level_group_serves_every_record_and_a_subgroup_keeps_only_its_start_states()
    {
        var t = Fixed5("{ Studier: 1 }");
        t.TargetGroup = "{ id: g, income: { Sjukpenning: 1 }, occupation: { Sjuk: 0.5, Arbetande: 0.5 } }";
        t.Baseline = "groups: { alla-start: [Sjuk, Arbetande] }";
        var (_, run) = Run(t, """
              - { id: employed, quantity: exit_occupation, insats: a, subgroup: { start_occupation: [Arbetande] }, counts: { Studier: 10 }, source: test }
              - { id: sick, quantity: exit_occupation, insats: a, subgroup: { start_occupation: Sjuk }, counts: { Studier: 10 }, source: test }
              - { id: all, quantity: exit_occupation, insats: a, subgroup: { start_occupation: alla-start }, counts: { Studier: 20 }, source: test }
              - { id: table, quantity: occupation_transition, insats: a, counts: { Arbetande: { Studier: 10 }, Sjuk: { Studier: 10 } }, source: test }
            """);
        var f = run.Scenario.Recorded.Select(r => new RecordedForecast(r, run.Index)).ToArray();
        Assert.Equal(["Arbetande", "Sjuk"], run.Scenario.Recorded[2].Subgroup!.States.Order(StringComparer.Ordinal));
        foreach (var r in run.Replicates)
        {
            double employed = f[0].Of(r)[2], sick = f[1].Of(r)[2];
            Assert.Equal(TotalExits(run, r), employed + sick);
            Assert.Equal(TotalExits(run, r), f[2].Of(r)[2]);
            Assert.True(employed > 0 && sick > 0);
            // The same people in the cross-table: the Arbetande row is the employed-at-start subgroup.
            var table = f[3].Of(r);
            var cells = f[3].Categories.ToList();
            Assert.Equal(employed, table[cells.IndexOf("Arbetande → Studier")]);
            Assert.Equal(sick, table[cells.IndexOf("Sjuk → Studier")]);
        }
        Assert.Equal("start_occupation: Arbetande", Summariser.Summarise(run).Recorded!.Checks[0].Subgroup);
    }

    [Fact]
    public void Categories_with_nothing_recorded_and_nothing_forecast_do_not_count_towards_coverage()
    {
        // A rare dropout to Sjuk: most replicates have none, some have one or two.
        var t = Fixed5();
        t.Insatser += "    dropout: { monthly: 0.0015, to: Sjuk }\n";
        var (_, run) = Run(t, """
              - { id: exits, quantity: exit_occupation, insats: a, counts: { Arbetande: 30 }, source: test }
            """, replicates: 40);
        var s = Summariser.Summarise(run).Recorded!;
        var check = s.Checks.Single();
        var sjuk = check.Categories!.Single(c => c.Category == "Sjuk");
        Assert.True(sjuk.ForecastCount.P95 > 0, "the seed should give some replicates a dropout");
        Assert.Equal(0, sjuk.ForecastCount.P50);
        Assert.Equal(RecordedComparison.NothingEitherSide, sjuk.NotCounted);
        Assert.Null(check.Categories!.Single(c => c.Category == "Arbetande").NotCounted);
        Assert.Equal(1, s.Total);
    }

    [Fact]
    public void Scenarios_without_the_new_quantities_record_nothing_extra()
    {
        var (_, run) = Run(Fixed5(), """
              - { id: exits, quantity: exit_occupation, insats: a, counts: { Arbetande: 30 }, source: test }
            """, replicates: 2);
        var r = run.Replicates[0];
        Assert.Empty(r.ExitIncome);
        Assert.Empty(r.IncomeTransition);
        Assert.Empty(r.OccupationTransition);
        Assert.Empty(r.StaySum);
        Assert.Empty(r.StayBand);
    }

    [Fact]
    public void The_new_quantities_give_the_same_forecast_with_several_shards()
    {
        var t = Fixed5("{ Arbetande: 0.5, Sjuk: 0.5 }");
        t.Insatser += "    dropout: 0.05\n";
        t.Extra = """
            recorded:
              - { id: inc, quantity: income_transition, insats: a, counts: { Sjukpenning: { Arbete: 30 } }, source: test }
              - { id: occ, quantity: occupation_transition, insats: a, counts: { Sjuk: { Arbetande: 30 } }, source: test }
              - { id: stay, quantity: mean_stay, insats: a, value: 4, source: test }
            """;
        t.Replicates = 3;
        var one = t.Run(shards: 1);
        var four = t.Run(shards: 4);
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(one.Replicates[k].IncomeTransition, four.Replicates[k].IncomeTransition);
            Assert.Equal(one.Replicates[k].OccupationTransition, four.Replicates[k].OccupationTransition);
            Assert.Equal(one.Replicates[k].StaySum, four.Replicates[k].StaySum);
            Assert.Equal(one.Replicates[k].ExitIncome, four.Replicates[k].ExitIncome);
        }
    }

    [Fact]
    public void Stated_totals_and_rest_are_checked()
    {
        var t = Fixed5();
        t.Extra = """
            recorded:
              - { id: x, quantity: exit_occupation, insats: a, n: 12, counts: { Arbetande: 10 }, source: test }
              - { id: y, quantity: exit_occupation, insats: a, n: 8, counts: { Arbetande: 10 }, source: test }
              - { id: z, quantity: start_occupation, insats: a, n: 12, rest: Kvar i insats, counts: { Sjuk: 10 }, source: test }
            """;
        var problems = Problems.Of(t.Yaml()).Select(d => d.ToString()).ToList();
        Assert.Contains(problems, p => p.Contains("the counts add up to 10, not the stated n = 12", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("the counts add up to 10, more than the stated n = 8", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'rest' is 'Okänt', not 'Kvar i insats'", StringComparison.Ordinal));
    }
}

/// <summary>The new counts travel between silos as JSON (Orleans' JSON codec for Core types): nothing is lost.</summary>
public class RecordedResultsTransportTests
{
    [Fact]
    public void Replicate_results_and_shard_reports_keep_the_exit_counts_through_json()
    {
        var t = new TinyScenario { Replicates = 2 };
        t.Extra = """
            recorded:
              - { id: inc, quantity: income_transition, insats: a, counts: { Sjukpenning: { Arbete: 30 } }, source: test }
              - { id: occ, quantity: occupation_transition, insats: a, counts: { Sjuk: { Arbetande: 30 } }, source: test }
              - { id: stay, quantity: mean_stay, insats: a, value: 4, source: test }
            """;
        var r = t.Run().Replicates[0];
        var back = System.Text.Json.JsonSerializer.Deserialize<ReplicateResult>(System.Text.Json.JsonSerializer.Serialize(r))!;
        Assert.True(r.IncomeTransition.Sum() > 0 && r.StaySum.Sum() > 0);
        Assert.Equal(r.ExitIncome, back.ExitIncome);
        Assert.Equal(r.IncomeTransition, back.IncomeTransition);
        Assert.Equal(r.OccupationTransition, back.OccupationTransition);
        Assert.Equal(r.StaySum, back.StaySum);
        Assert.Equal(r.StayBand, back.StayBand);

        var counts = new ExitCounts(ExitRecords.Detail | ExitRecords.IncomeTransition, 1, 2, 2);
        counts.Exit(0, 1, 0, 1, 0, 7);
        var report = System.Text.Json.JsonSerializer.Deserialize<ExitCounts>(System.Text.Json.JsonSerializer.Serialize(counts))!;
        Assert.Equal([1, 0], report.ExitIncome);
        Assert.Equal([0, 0, 1, 0], report.IncomeTransition);
        Assert.Equal([7L], report.StaySum);
        Assert.Equal([0, 0, 1, 0, 0], report.StayBand);
        Assert.Equal(2, report.Incomes);
    }
}
