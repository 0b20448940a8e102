using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Analysis;

/// <summary>
/// What a planner asks of one insats: how many join its queue, how many it takes in and lets out a month,
/// how full it is, how long the queue is and how long people wait. Figures per month are averages over
/// <see cref="From"/>…<see cref="To"/> within each replicate, summarised over replicates (mean and 90 % interval).
/// <see cref="ProbabilityOfWaiting"/> is the share of people joining the queue in the window who were not
/// admitted in the month they joined (exact for a FIFO queue: the newest entries are the ones left).
/// Wait quantiles come from the wait histograms, which cover every admission in the horizon; the pooled
/// ones put all replicates' admissions together, the <see cref="Stat"/>s spread one value per replicate.
/// </summary>
public sealed record ThroughputResult(
    string Insats, string Name, int? CapacityOverride,
    string From, string To, int WindowMonths, int Replicates, ulong Seed,
    Stat Capacity, Stat JoinedPerMonth, Stat AdmissionsPerMonth, Stat ExitsPerMonth,
    Stat Occupancy, Stat Queue, Stat GaveUpPerMonth, double? ProbabilityOfWaiting,
    Stat? MeanWait, Stat? WaitP50, Stat? WaitP90,
    double? PooledMeanWait, double? PooledWaitP50, double? PooledWaitP90,
    long Admissions, IReadOnlyList<ThroughputMonth> Monthly);

/// <summary>One month, as means over replicates.</summary>
public sealed record ThroughputMonth(string Month, double Capacity, double Joined, double Admissions, double Exits, double Occupancy, double Queue);

/// <summary>One capacity tried by <see cref="Throughput.RequiredCapacityAsync"/>; waits pooled over replicates.</summary>
public sealed record CapacityTrial(int Places, double? WaitP90, double? MeanWait, double? ProbabilityOfWaiting, double AdmissionsPerMonth, double Queue, bool Meets);

/// <summary>
/// The smallest number of places whose P90 wait is at most <see cref="MaxP90WaitMonths"/>, or null when no
/// capacity reaches it (people wait for other reasons: the insats has not started, or intake is closed).
/// </summary>
public sealed record CapacityResult(
    string Insats, string Name, double MaxP90WaitMonths, int? Places, CapacityTrial? AtRequired,
    double? UnlimitedWaitP90, int UnlimitedPeakOccupancy, IReadOnlyList<CapacityTrial> Trials, string? Note);

/// <summary>
/// Throughput queries for planners, and the capacity needed to keep waits down. Pure over the engine's
/// replicate results; every capacity is run with the same seed, so alternatives share their random numbers.
/// </summary>
public static class Throughput
{
    /// <summary>Used for "no limit": more places than anyone can fill.</summary>
    public const int Unlimited = 1 << 28;

    /// <summary>The scenario with the insats fixed at <paramref name="places"/> places in every month it runs.</summary>
    public static Scenario WithCapacity(Scenario scenario, string insats, int places)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(places);
        var target = Find(scenario, insats);
        return scenario with { Insatser = scenario.Insatser.Select(i => ReferenceEquals(i, target) ? i with { FixedPlaces = places } : i).ToList() };
    }

    public static async Task<ThroughputResult> RunAsync(Scenario scenario, string insats, int? capacity, RunOptions options,
        YearMonth? from = null, YearMonth? to = null, IReplicateRunner? runner = null, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        Find(scenario, insats);
        var s = capacity is { } c ? WithCapacity(scenario, insats, c) : scenario;
        var run = await (runner ?? LocalReplicateRunner.Instance).RunAllAsync(s, options, progress, ct);
        return Analyse(run, insats, from, to, capacity);
    }

    /// <summary>Throughput of one insats in a finished run, averaged over a window of months (default: the whole horizon).</summary>
    public static ThroughputResult Analyse(RunResult run, string insats, YearMonth? from = null, YearMonth? to = null, int? capacityOverride = null)
    {
        var ix = run.Index;
        var i = ix.InsatsIndex(insats);
        if (i < 0) throw new ArgumentException($"'{insats}' is not an individual insats of {run.Scenario.Name}", nameof(insats));
        var months = ix.Months;
        var a = from is { } f ? ix.MonthOf(f) : 0;
        var b = to is { } t ? ix.MonthOf(t) : months - 1;
        if (a < 0 || b >= months || a > b)
            throw new ArgumentOutOfRangeException(nameof(from), $"window {ix.CalendarMonth(a)}…{ix.CalendarMonth(b)} is not inside the horizon {run.Scenario.Start}…{run.Scenario.End}");
        var n = b - a + 1;
        var reps = run.Replicates;

        // One insats's value in a month of a replicate.
        static int At(ReplicateResult r, int[] a, int m, int i) => r.PerInsats(a)[m, i];
        Stat Avg(Func<ReplicateResult, int[]> pick) =>
            Stat.Of(reps.Select(r => { var x = pick(r); double sum = 0; for (var m = a; m <= b; m++) sum += At(r, x, m, i); return sum / n; })) ?? Stat.Zero;
        int Ended(ReplicateResult r, int m) => At(r, r.Planned, m, i) + At(r, r.Dropouts, m, i);

        // People joining the queue in month m (referred and eligible, or chained in), from the queue's balance:
        // queue(m) = queue(m−1) − gave up − turned away + joined − admitted.
        int Joined(ReplicateResult r, int m) =>
            At(r, r.Queue, m, i) - (m == 0 ? 0 : At(r, r.Queue, m - 1, i)) + At(r, r.GaveUp, m, i) + At(r, r.Closed, m, i) + At(r, r.Admitted, m, i);
        long joinedTotal = 0, waitedTotal = 0;
        foreach (var r in reps)
            for (var m = a; m <= b; m++)
            {
                var j = Joined(r, m);
                joinedTotal += j;
                waitedTotal += Math.Min(j, At(r, r.Queue, m, i));
            }

        var pooled = new long[months + 1];
        foreach (var r in reps)
        {
            var row = r.Waits.Row(i);
            for (var w = 0; w <= months; w++) pooled[w] += row[w];
        }
        var admissions = pooled.Sum();

        var monthly = Enumerable.Range(0, months).Select(m => new ThroughputMonth(ix.CalendarMonth(m).ToString(),
            Stat.Round(reps.Average(r => At(r, r.Capacity, m, i))), Stat.Round(reps.Average(r => Joined(r, m))),
            Stat.Round(reps.Average(r => At(r, r.Admitted, m, i))),
            Stat.Round(reps.Average(r => Ended(r, m))),
            Stat.Round(reps.Average(r => At(r, r.Occupancy, m, i))), Stat.Round(reps.Average(r => At(r, r.Queue, m, i))))).ToList();

        return new ThroughputResult(insats, ix.Individual[i].Name, capacityOverride,
            ix.CalendarMonth(a).ToString(), ix.CalendarMonth(b).ToString(), n, reps.Count, run.Scenario.Seed,
            Avg(r => r.Capacity),
            Stat.Of(reps.Select(r => { double sum = 0; for (var m = a; m <= b; m++) sum += Joined(r, m); return sum / n; })) ?? Stat.Zero,
            Avg(r => r.Admitted),
            Stat.Of(reps.Select(r => { double sum = 0; for (var m = a; m <= b; m++) sum += Ended(r, m); return sum / n; })) ?? Stat.Zero,
            Avg(r => r.Occupancy), Avg(r => r.Queue), Avg(r => r.GaveUp),
            joinedTotal == 0 ? null : Stat.Round(waitedTotal / (double)joinedTotal),
            Stat.Of(reps.Select(r => MeanWait(Histogram(r, i)) ?? double.NaN)),
            Stat.Of(reps.Select(r => WaitQuantile(Histogram(r, i), 0.5) ?? double.NaN)),
            Stat.Of(reps.Select(r => WaitQuantile(Histogram(r, i), 0.9) ?? double.NaN)),
            MeanWait(pooled) is { } mw ? Stat.Round(mw) : null, WaitQuantile(pooled, 0.5), WaitQuantile(pooled, 0.9),
            admissions, monthly);
    }

    /// <summary>
    /// The runs a throughput question costs at most, for the work budget: one, and with a wait limit one without a
    /// limit on places plus a bisection up to the peak occupancy (taken as at most twice the expected participants).
    /// </summary>
    public static long MostRuns(Scenario s, bool withWaitLimit) =>
        1 + (withWaitLimit ? 2 + (long)Math.Ceiling(Math.Log2(Math.Max(2, 2 * Loading.WorkBudget.ExpectedParticipants(s)))) : 0);

    /// <summary>
    /// The smallest capacity (places) whose P90 wait, pooled over replicates, is at most <paramref name="maxP90WaitMonths"/>.
    /// First runs with no limit: if waits stay too long even then, no capacity helps. Otherwise the peak
    /// occupancy of that run is enough (nobody ever waits for a place there), and a bisection between one
    /// place and that peak finds the smallest that meets the target, every trial with the same seed.
    /// </summary>
    public static async Task<CapacityResult> RequiredCapacityAsync(Scenario scenario, string insats, double maxP90WaitMonths, RunOptions options,
        IReplicateRunner? runner = null, Func<int, IProgress<int>?>? progressFor = null, IProgress<CapacityTrial>? trials = null, CancellationToken ct = default)
    {
        var target = Find(scenario, insats);
        runner ??= LocalReplicateRunner.Instance;
        var tried = new SortedDictionary<int, CapacityTrial>();

        async Task<(CapacityTrial Trial, RunResult Run)> Try(int places)
        {
            var run = await runner.RunAllAsync(WithCapacity(scenario, insats, places), options, progressFor?.Invoke(places), ct);
            var r = Analyse(run, insats);
            var trial = new CapacityTrial(places, r.PooledWaitP90, r.PooledMeanWait, r.ProbabilityOfWaiting, r.AdmissionsPerMonth.Mean, r.Queue.Mean,
                r.PooledWaitP90 is { } p90 && p90 <= maxP90WaitMonths + 1e-9);
            if (places != Unlimited) tried[places] = trial;
            trials?.Report(trial);
            return (trial, run);
        }

        var (unlimited, unlimitedRun) = await Try(Unlimited);
        var ix = unlimitedRun.Index;
        var i = ix.InsatsIndex(insats);
        var peak = unlimitedRun.Replicates.Max(r => Enumerable.Range(0, ix.Months).Max(m => r.PerInsats(r.Occupancy)[m, i]));
        if (unlimited.WaitP90 is null)
            return new CapacityResult(insats, target.Name, maxP90WaitMonths, null, null, null, peak, [.. tried.Values],
                "nobody is admitted even without a limit on places (no referrals reach the insats, or it never runs)");
        if (!unlimited.Meets)
            return new CapacityResult(insats, target.Name, maxP90WaitMonths, null, null, unlimited.WaitP90, peak, [.. tried.Values],
                $"even with unlimited places the P90 wait is {unlimited.WaitP90} months: people wait for reasons capacity does not change (the insats has not started, or takes people in later)");

        // Meets at the peak; find the smallest that meets in [1, peak].
        int lo = 0, hi = Math.Max(1, peak);
        if (!tried.ContainsKey(hi)) await Try(hi);
        while (hi - lo > 1)
        {
            var mid = lo + (hi - lo) / 2;
            var (t, _) = await Try(mid);
            if (t.Meets) hi = mid; else lo = mid;
        }
        return new CapacityResult(insats, target.Name, maxP90WaitMonths, hi, tried[hi], unlimited.WaitP90, peak, [.. tried.Values], null);
    }

    /// <summary>Admissions by months waited (the last bucket holds waits of the whole horizon or more).</summary>
    public static int[] Histogram(ReplicateResult r, int insats) => r.Waits.Row(insats).ToArray();

    /// <summary>The smallest wait w such that at least a share q of admissions waited w months or less.</summary>
    public static double? WaitQuantile(IReadOnlyList<long> hist, double q)
    {
        var n = hist.Sum();
        if (n == 0) return null;
        var target = q * n;
        long acc = 0;
        for (var w = 0; w < hist.Count; w++) { acc += hist[w]; if (acc >= target) return w; }
        return hist.Count - 1;
    }

    public static double? WaitQuantile(IReadOnlyList<int> hist, double q) => WaitQuantile(hist.Select(x => (long)x).ToArray(), q);

    public static double? MeanWait(IReadOnlyList<long> hist)
    {
        var n = hist.Sum();
        if (n == 0) return null;
        double sum = 0;
        for (var w = 0; w < hist.Count; w++) sum += w * (double)hist[w];
        return sum / n;
    }

    public static double? MeanWait(IReadOnlyList<int> hist) => MeanWait(hist.Select(x => (long)x).ToArray());

    private static Insats Find(Scenario scenario, string insats) =>
        scenario.Insatser.FirstOrDefault(i => i.Id == insats && i.Kind == InsatsKind.Individual)
        ?? throw new ArgumentException(
            $"'{insats}' is not an individual insats of {scenario.Name}; individual insatser: {string.Join(", ", scenario.Insatser.Where(i => i.Kind == InsatsKind.Individual).Select(i => i.Id))}",
            nameof(insats));
}
