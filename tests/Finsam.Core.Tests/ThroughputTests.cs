using System.Globalization;
using Finsam.Core.Analysis;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>Throughput for planners, checked against queueing theory worked out independently here.</summary>
public class ThroughputTests
{
    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>One insats with c places, stays as given, Poisson referrals at λ a month; nobody gives up.</summary>
    private static TinyScenario Queue(int places, string duration, double lambda, int months, int replicates, ulong seed) => new()
    {
        Horizon = $"{{ start: 2020-01, months: {months} }}",
        Replicates = replicates,
        Seed = seed,
        Referrals = $"[ {{ from: FK, target_group: g, to: a, rate: {Num(lambda)} }} ]",
        Insatser = $$"""
              - id: a
                kind: individual
                budget_line: bas
                capacity: { places: {{places}} }
                cost: { per_place_month: 1000 }
                duration: {{duration}}
                exits: { Arbetande: 1 }
            """,
    };

    /// <summary>Erlang C: probability that an arrival waits, and the mean queue, for M/M/c with offered load a = λ/μ.</summary>
    private static (double Wait, double MeanQueue) ErlangC(int c, double a)
    {
        // Erlang B by the stable recursion B(k) = a·B(k−1) / (k + a·B(k−1)), then C = c·B / (c − a(1 − B)).
        double b = 1;
        for (var k = 1; k <= c; k++) b = a * b / (k + a * b);
        var wait = c * b / (c - a * (1 - b));
        return (wait, wait * a / (c - a));
    }

    [Fact]
    public void Erlang_c_formula_matches_a_textbook_value()
    {
        // M/M/2 with a = 1 (ρ = 0.5): C = 1/3, Lq = C·a/(c − a) = 1/3.
        var (wait, lq) = ErlangC(2, 1);
        Assert.Equal(1 / 3.0, wait, 12);
        Assert.Equal(1 / 3.0, lq, 12);
    }

    [Fact]
    public void Littles_law_mean_occupancy_is_admissions_times_mean_stay()
    {
        // 12 places, stays uniform on 3..9 months (mean 6), 1.5 referrals a month: load 9 of 12 places,
        // so there is a queue at times but the insats is not always full. In steady state L = λ·W.
        var t = Queue(12, "{ distribution: uniform, min: 3, max: 9 }", 1.5, 240, 60, 5);
        var run = t.Run();
        var r = Throughput.Analyse(run, "a", from: new YearMonth(2022, 1));
        var littles = r.AdmissionsPerMonth.Mean * 6;
        // 60 replicates × 216 months ≈ 19 000 admissions: the sampling error of λ is under 1 %.
        Assert.InRange(r.Occupancy.Mean / littles, 0.97, 1.03);
        Assert.InRange(r.AdmissionsPerMonth.Mean, 1.5 * 0.96, 1.5 * 1.04);
        // Everyone admitted leaves in the end: exits match admissions in steady state.
        Assert.InRange(r.ExitsPerMonth.Mean / r.AdmissionsPerMonth.Mean, 0.98, 1.02);
        // Joining the queue is the referral flow itself here.
        Assert.InRange(r.JoinedPerMonth.Mean / r.AdmissionsPerMonth.Mean, 0.98, 1.02);
        Assert.True(r.Queue.Mean > 0 && r.Occupancy.Mean < 12);
    }

    [Fact]
    public void Poisson_arrivals_and_memoryless_stays_follow_erlang_c()
    {
        // M/M/c in monthly steps: c = 10 places, geometric stays with mean 20 months (μ = 0.05 a month,
        // memoryless), Poisson referrals λ = 0.4 a month: offered load a = λ/μ = 8, ρ = 0.8.
        // Erlang C (continuous time): P(wait) = 0.409, mean queue Lq = 1.637.
        //
        // Monthly time makes this approximate. Admissions happen once a month, after the previous month's
        // leavers have freed their places, so a continuous-time arrival that would wait only part of a
        // month counts here as not waiting. A continuous wait, given that there is one, is exponential with
        // rate cμ − λ = 0.1 a month, so about 1 − exp(−0.1 × ½) ≈ 5 % of those who wait, wait under half a
        // month: the simulated share is expected about 5 % below Erlang C. Parameters are chosen so that
        // this gap is small (stays of 20 months, long against the one-month step; cμ − λ small).
        // Measured with several seeds (200 replicates × 480 months each): P(wait) 0.383–0.390 against
        // 0.409 (0.389 with the half-month correction), Lq 1.50–1.69 against 1.637. Busy periods last
        // years, so even this much simulated time leaves a few per cent of sampling error on each.
        // Tolerance: 12 % on P(wait) (5 % expected bias + 2–3 sampling SEs), 15 % on Lq.
        const int c = 10;
        const double stay = 20, lambda = 0.4;
        var (theoryWait, theoryQueue) = ErlangC(c, lambda * stay);
        Assert.Equal(0.409, theoryWait, 3);
        Assert.Equal(1.637, theoryQueue, 3);

        var t = Queue(c, "{ distribution: geometric, mean: 20 }", lambda, 600, 200, 2);
        // Ten years of warm-up: the queue relaxes to steady state on a scale of 1/(cμ(1 − √ρ)²) ≈ 180 months.
        var r = Throughput.Analyse(t.Run(), "a", from: new YearMonth(2030, 1));

        Assert.NotNull(r.ProbabilityOfWaiting);
        Assert.InRange(r.ProbabilityOfWaiting!.Value / theoryWait, 0.88, 1.12);
        Assert.InRange(r.Queue.Mean / theoryQueue, 0.85, 1.15);
        // And Little's law on the places: L = λW = 8.
        Assert.InRange(r.Occupancy.Mean, 8 * 0.96, 8 * 1.04);
    }

    [Fact]
    public async Task A_capacity_override_fixes_the_places_every_month_and_leaves_money_alone()
    {
        var t = Queue(10, "{ distribution: geometric, mean: 5 }", 3, 24, 4, 1);
        var scenario = t.Load();
        var baseRun = await Simulator.RunAsync(scenario, new RunOptions());
        var wider = await Simulator.RunAsync(Throughput.WithCapacity(scenario, "a", 17), new RunOptions());
        Assert.All(wider.Replicates, r => Assert.All(r.Capacity, cap => Assert.Equal(17, cap)));
        Assert.Equal(baseRun.Replicates[0].LineSpend, wider.Replicates[0].LineSpend);
        Assert.True(wider.Replicates.Sum(r => r.Admitted.Sum()) > baseRun.Replicates.Sum(r => r.Admitted.Sum()));
        Assert.Throws<ArgumentException>(() => Throughput.WithCapacity(scenario, "nope", 3));
    }

    [Fact]
    public async Task Required_capacity_is_the_smallest_that_keeps_the_p90_wait_within_the_limit()
    {
        // 3 referrals a month staying 5 months on average need 15 places on average; waits fall as places grow.
        var t = Queue(10, "{ distribution: geometric, mean: 5 }", 3, 48, 30, 3);
        var scenario = t.Load();
        var result = await Throughput.RequiredCapacityAsync(scenario, "a", 1, new RunOptions());
        Assert.NotNull(result.Places);
        var n = result.Places!.Value;
        Assert.InRange(n, 15, 30);
        Assert.True(result.AtRequired!.WaitP90 <= 1);

        // One place fewer misses the target; checked with a fresh run of the same seed.
        var fewer = await Throughput.RunAsync(scenario, "a", n - 1, new RunOptions());
        Assert.True(fewer.PooledWaitP90 > 1, $"P90 wait with {n - 1} places is {fewer.PooledWaitP90}");
        var enough = await Throughput.RunAsync(scenario, "a", n, new RunOptions());
        Assert.Equal(result.AtRequired.WaitP90, enough.PooledWaitP90);

        // No wait at all needs more places than a one-month wait.
        var strict = await Throughput.RequiredCapacityAsync(scenario, "a", 0, new RunOptions());
        Assert.True(strict.Places > n);
    }

    [Fact]
    public async Task Waits_that_capacity_cannot_shorten_are_reported_as_unreachable()
    {
        // Everyone is referred in January, but the insats only starts in July: they wait 6 months whatever the places.
        var t = Queue(10, "{ distribution: geometric, mean: 5 }", 0, 24, 3, 1);
        t.Referrals = "[ { from: FK, target_group: g, to: a, count: 40, start: 2020-01 } ]";
        t.Insatser += "\n    start: 2020-07";
        var result = await Throughput.RequiredCapacityAsync(t.Load(), "a", 2, new RunOptions());
        Assert.Null(result.Places);
        Assert.Equal(6, result.UnlimitedWaitP90);
        Assert.Contains("unlimited", result.Note);
    }
}
