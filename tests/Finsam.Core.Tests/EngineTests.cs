using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>Expectations a reader can check by hand (issue 2, item 7).</summary>
public class EngineTests
{
    private static double MeanPerMonth(RunResult run, Func<ReplicateResult, int, double> f, int from, int to) =>
        run.Replicates.Average(r => Enumerable.Range(from, to - from).Average(m => f(r, m)));

    [Fact]
    public void Littles_law_ten_places_and_five_months_admit_two_a_month()
    {
        // L = λW: 10 places always full, people stay 5 months on average → 2 admissions a month.
        var t = new TinyScenario { Horizon = "{ start: 2020-01, months: 60 }", Replicates = 40 };
        var run = t.Run();
        var admissions = MeanPerMonth(run, (r, m) => r.Admitted[m], 12, 60);
        // 40 replicates × 48 months of a process with per-month sd ≈ 1.3 → standard error ≈ 0.03.
        Assert.InRange(admissions, 1.9, 2.1);
        Assert.Equal(10, MeanPerMonth(run, (r, m) => r.Occupancy[m], 12, 60), 1);
    }

    [Fact]
    public void An_exit_model_sends_each_participant_to_the_row_of_their_occupation_at_admission()
    {
        // Sick starters all leave for work, working starters all leave sick: exits mirror starts exactly.
        var t = new TinyScenario
        {
            TargetGroup = "{ id: g, income: { Sjukpenning: 1 }, occupation: { Sjuk: 0.6, Arbetande: 0.4 } }",
            Referrals = "[ { from: FK, target_group: g, to: a, rate: 20, stop: 2020-10 } ]",
            Extra = """
                exit_models:
                  - id: flip
                    rows: { Sjuk: { Arbetande: 1 }, Arbetande: { Sjuk: 1 } }
                """,
        };
        t.Insatser = t.Insatser.Replace("capacity: { places: 10 }", "capacity: { places: 100 }")
            .Replace("{ distribution: geometric, mean: 5 }", "{ distribution: fixed, months: 1 }")
            .Replace("exits: { Arbetande: 1 }", "exits: { model: flip }");
        var run = t.Run(replicates: 5, shards: 3);
        int arbetande = run.Index.OccupationIndex("Arbetande"), sjuk = run.Index.OccupationIndex("Sjuk"), nO = run.Index.Occupations.Length;
        foreach (var r in run.Replicates)
        {
            int Sum(MonthCube<int> a, int o) => Enumerable.Range(0, 24).Sum(m => a[m, 0, o]);
            Assert.True(Sum(r.StartsByOccupation, sjuk) > 50 && Sum(r.StartsByOccupation, arbetande) > 30);
            Assert.Equal(Sum(r.StartsByOccupation, sjuk), Sum(r.ExitsByOccupation, arbetande));
            Assert.Equal(Sum(r.StartsByOccupation, arbetande), Sum(r.ExitsByOccupation, sjuk));
        }
    }

    [Fact]
    public void Fixed_five_month_stays_admit_exactly_two_a_month_in_steady_state()
    {
        var t = new TinyScenario { Horizon = "{ start: 2020-01, months: 40 }", Replicates = 3 };
        t.Insatser = t.Insatser.Replace("{ distribution: geometric, mean: 5 }", "{ distribution: fixed, months: 5 }");
        var r = t.Run().Replicates[0];
        // Month 0 fills all 10 places; they leave together after 5 months, so admissions come in waves of 10.
        var admitted = Enumerable.Range(10, 30).Select(m => r.Admitted[m]).ToArray();
        Assert.Equal(60, admitted.Sum());
        Assert.All(Enumerable.Range(10, 30), m => Assert.Equal(m % 5 == 0 ? 10 : 0, r.Admitted[m]));
    }

    [Fact]
    public void A_sixty_forty_budget_split_gives_capacities_in_that_ratio()
    {
        var t = new TinyScenario
        {
            Budget = """
                budget:
                  lines: [ { id: bas }, { id: process } ]
                  years: [ { year: 2020, total: 1_200_000, shares: { bas: 60%, process: 40% } } ]
                """,
            // Each insats asks for far more than its line can pay, so money sets the capacity.
            Insatser = """
                  - { id: a, kind: individual, budget_line: bas, capacity: { places: 1000 }, cost: { per_place_month: 1000 }, duration: { distribution: geometric, mean: 5 }, exits: { Arbetande: 1 } }
                  - { id: b, kind: individual, budget_line: process, capacity: { places: 1000 }, cost: { per_place_month: 1000 }, duration: { distribution: geometric, mean: 5 }, exits: { Arbetande: 1 } }
                """,
            Horizon = "{ start: 2020-01, months: 12 }",
            Replicates = 1,
        };
        var r = t.Run().Replicates[0];
        // 720 000 / (1000 × 12) = 60 places; 480 000 / 12 000 = 40 places.
        Assert.Equal(60, r.PerInsats(r.Capacity)[0, 0]);
        Assert.Equal(40, r.PerInsats(r.Capacity)[0, 1]);
        Assert.Equal(720_000, Enumerable.Range(0, 12).Sum(m => r.PerLine[m, 0]), 3);
    }

    [Fact]
    public void Zero_budget_admits_nobody()
    {
        var t = new TinyScenario
        {
            Budget = """
                budget:
                  lines: [ { id: bas } ]
                  years: [ { year: 2020, total: 0, shares: { bas: 1 } } ]
                """,
        };
        var run = t.Run();
        Assert.All(run.Replicates, r =>
        {
            Assert.Equal(0, r.Admitted.Sum());
            Assert.Equal(0, r.Served);
            Assert.True(r.Queue[^1] > 0, "referred people wait in the queue");
        });
    }

    [Fact]
    public void A_destination_probability_of_one_sends_everyone_there()
    {
        var t = new TinyScenario();
        t.Insatser = t.Insatser.Replace("exits: { Arbetande: 1 }", "exits: { Sjuk: 1 }");
        var run = t.Run();
        foreach (var r in run.Replicates)
        {
            var exits = r.ExitsByOccupation;
            var toWork = Enumerable.Range(0, r.Months).Sum(m => exits[m, 0, 0]);
            var toSick = Enumerable.Range(0, r.Months).Sum(m => exits[m, 0, 1]);
            Assert.Equal(0, toWork);
            Assert.Equal(r.Planned.Sum(), toSick);
            Assert.True(toSick > 0);
        }
    }

    [Fact]
    public void Costs_per_payer_are_people_times_months_times_monthly_cost()
    {
        // 100 people on sjukpenning from the first month, nobody admitted, nobody moves: FK pays 100 × 12 × 15 000.
        var t = new TinyScenario
        {
            Horizon = "{ start: 2020-01, months: 12 }",
            Referrals = "[ { from: FK, target_group: g, to: a, count: 100, start: 2020-01 } ]",
            Budget = """
                budget:
                  lines: [ { id: bas } ]
                  years: [ { year: 2020, total: 0, shares: { bas: 1 } } ]
                """,
            Replicates = 2,
        };
        var run = t.Run();
        var fk = Array.IndexOf(run.Index.Payers, "FK");
        foreach (var r in run.Replicates)
        {
            var paid = Enumerable.Range(0, 12).Sum(m => r.PerPayer(r.PayerPaid)[m, fk]);
            Assert.Equal(100 * 12 * 15_000.0, paid);
            Assert.Equal(100 * 12 * 15_000.0, r.PartyPaid.Sum());
            Assert.Equal(1200, r.ParticipantMonths);
        }
    }

    [Fact]
    public void Without_any_admission_the_counterfactual_equals_the_factual_world()
    {
        var t = new TinyScenario
        {
            Budget = """
                budget:
                  lines: [ { id: bas } ]
                  years: [ { year: 2020, total: 0, shares: { bas: 1 } } ]
                """,
            Baseline = "baseline: { transitions: [ { from: Sjukpenning, to: Arbete, monthly: 0.1 }, { from: Arbete, to: Sjukpenning, monthly: 0.02 } ] }",
        };
        foreach (var r in t.Run().Replicates)
        {
            Assert.Equal(r.Income, r.CounterfactualIncome);
            Assert.Equal(r.PayerPaid, r.PayerCounterfactualPaid);
            Assert.Equal(r.SelfSufficient12, r.CounterfactualSelfSufficient12);
        }
    }

    [Fact]
    public void Baseline_transition_rate_is_followed_outside_insatser()
    {
        // Nobody admitted; 10 % a month leave sjukpenning for work → after one month ≈ 10 % work.
        var t = new TinyScenario
        {
            Horizon = "{ start: 2020-01, months: 2 }",
            Referrals = "[ { from: FK, target_group: g, to: a, count: 5000, start: 2020-01 } ]",
            Budget = "budget: { lines: [ { id: bas } ], years: [ { year: 2020, total: 0, shares: { bas: 1 } } ] }",
            Baseline = "baseline: { transitions: [ { from: Sjukpenning, to: Arbete, monthly: 0.1 } ] }",
            Replicates = 4,
        };
        var run = t.Run();
        var working = run.Replicates.Average(r => r.PerIncome(r.Income)[0, 0]);
        Assert.InRange(working / 5000, 0.09, 0.11);
    }

    [Fact]
    public void Waiting_people_give_up_at_the_stated_monthly_rate()
    {
        var t = new TinyScenario
        {
            Horizon = "{ start: 2020-01, months: 2 }",
            Referrals = "[ { from: FK, target_group: g, to: a, count: 4000, start: 2020-01 } ]",
            Budget = "budget: { lines: [ { id: bas } ], years: [ { year: 2020, total: 0, shares: { bas: 1 } } ] }",
            Replicates = 3,
        };
        t.Insatser += "\n    give_up: 0.25";
        var run = t.Run();
        // Nobody gives up in the month they join; in month 2, a quarter of the 4000 waiting do.
        Assert.All(run.Replicates, r => Assert.Equal(0, r.GaveUp[0]));
        Assert.InRange(run.Replicates.Average(r => r.GaveUp[1]) / 4000.0, 0.23, 0.27);
    }

    [Fact]
    public void Wind_down_stops_intake_then_closes_every_case()
    {
        var t = new TinyScenario { Horizon = "{ start: 2020-01, months: 24 }", Replicates = 5 };
        t.Insatser += "\n    intake_stop: 2020-12\n    stop: 2021-03";
        foreach (var r in t.Run().Replicates)
        {
            Assert.All(Enumerable.Range(12, 12), m => Assert.Equal(0, r.Admitted[m]));
            Assert.True(r.Admitted[11] >= 0 && r.Admitted.Take(12).Sum() > 0);
            Assert.Equal(0, r.Referred.Skip(12).Sum());
            // Month 14 (2021-03) is the last: everyone still enrolled leaves then.
            Assert.All(Enumerable.Range(15, 9), m => Assert.Equal(0, r.Occupancy[m]));
            Assert.Equal(r.Admitted.Sum(), r.Planned.Sum() + r.Dropouts.Sum());
        }
    }

    [Fact]
    public void A_chain_with_probability_one_moves_every_finisher_to_the_next_queue()
    {
        var t = new TinyScenario { Replicates = 5 };
        t.Insatser = """
              - { id: a, kind: individual, budget_line: bas, capacity: { places: 10 }, cost: { per_place_month: 1000 }, duration: { distribution: fixed, months: 2 }, exits: { Arbetande: 1 }, chains: [ { to: b, probability: 1 } ] }
              - { id: b, kind: individual, budget_line: bas, capacity: { places: 100 }, cost: { per_place_month: 1000 }, duration: { distribution: fixed, months: 1 }, exits: { Sjuk: 1 } }
            """;
        foreach (var r in t.Run().Replicates)
        {
            var chainedPerMonth = r.PerInsats(r.Chained);
            var chained = Enumerable.Range(0, r.Months).Sum(m => chainedPerMonth[m, 0]);
            var plannedA = Enumerable.Range(0, r.Months).Sum(m => r.PerInsats(r.Planned)[m, 0]);
            var admittedB = Enumerable.Range(0, r.Months).Sum(m => r.PerInsats(r.Admitted)[m, 1]);
            Assert.Equal(0, plannedA);
            Assert.True(chained > 0);
            // Each chained person joins b's queue the next month; b has room, so all but the last month's are admitted.
            Assert.Equal(chained - chainedPerMonth[r.Months - 1, 0], admittedB);
        }
    }

    [Fact]
    public void A_structural_capacity_effect_multiplies_places_only_while_funded()
    {
        var t = new TinyScenario { Replicates = 1, Horizon = "{ start: 2020-01, months: 12 }" };
        t.Insatser += "\n" + """
              - id: s
                kind: structural
                budget_line: bas
                cost: { per_year: 1000 }
                start: 2020-07
                effects: [ { on: a, capacity: 2 } ]
            """;
        var r = t.Run().Replicates[0];
        Assert.Equal(10, r.PerInsats(r.Capacity)[5, 0]);
        Assert.Equal(20, r.PerInsats(r.Capacity)[6, 0]);

        // Unfunded (a line with no money): the effect disappears.
        t.Budget = """
            budget:
              lines: [ { id: bas }, { id: tom } ]
              years: [ { year: 2020, total: 100_000_000, shares: { bas: 1, tom: 0 } } ]
            """;
        t.Insatser = t.Insatser.Replace("budget_line: bas\n    cost: { per_year: 1000 }", "budget_line: tom\n    cost: { per_year: 1000 }");
        var unfunded = t.Run().Replicates[0];
        Assert.Equal(10, unfunded.PerInsats(unfunded.Capacity)[6, 0]);
    }

    [Fact]
    public void Eligibility_turns_away_people_outside_the_target_group()
    {
        var t = new TinyScenario { Replicates = 2 };
        t.Extra = "";
        t.TargetGroup = "{ id: g, income: { Sjukpenning: 1 }, occupation: { Sjuk: 1 } }\n  - { id: h, income: { Sjukpenning: 1 }, occupation: { Sjuk: 1 } }";
        t.Referrals = "[ { from: FK, target_group: h, to: a, count: 50, start: 2020-01 } ]";
        t.Insatser += "\n    eligibility: { target_groups: [g] }";
        foreach (var r in t.Run().Replicates)
        {
            Assert.Equal(50, r.Ineligible[0]);
            Assert.Equal(0, r.Admitted.Sum());
        }
    }

    [Fact]
    public void Uncertain_parameters_differ_between_replicates_and_fixed_ones_do_not()
    {
        var t = new TinyScenario { Replicates = 30 };
        t.Referrals = "[ { from: FK, target_group: g, to: a, rate: { uniform: [1, 40] } } ]";
        var referred = t.Run().Replicates.Select(r => r.Referrals).ToArray();
        // With rates anywhere from 1 to 40 a month over 24 months, totals spread over hundreds.
        Assert.True(referred.Max() - referred.Min() > 200, $"spread {referred.Min()}..{referred.Max()}");
    }
}
