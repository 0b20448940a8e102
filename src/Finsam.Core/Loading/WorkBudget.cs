using System.Globalization;

namespace Finsam.Core.Loading;

/// <summary>
/// The work one scenario may ask for, whatever the entry point (command line, API, upload, variant,
/// overlay, catalog). Every number here is stated in docs/scenario-format.md §14.1; a file that
/// exceeds one is refused with file:line:column before anything is built or run.
/// </summary>
public static class WorkBudget
{
    /// <summary>Largest scenario, catalog or overlay file, in bytes (the API's body limit is the same).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Most YAML nodes a file may hold once its aliases are expanded (a shipped scenario has a few thousand).</summary>
    public const int MaxYamlNodes = 100_000;

    /// <summary>Deepest nesting of lists and mappings (the format needs fewer than 10 levels).</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>Longest single value, key or name, in characters.</summary>
    public const int MaxTextLength = 2_000;

    /// <summary>Most Monte Carlo replicates a scenario, the command line or an upload may ask for.</summary>
    public const int MaxReplicates = 100_000;

    /// <summary>Most referrals per month one referral flow may expect (its rate's upper bound).</summary>
    public const double MaxReferralRate = 10_000;

    /// <summary>Largest one-off cohort of one referral flow.</summary>
    public const int MaxCohort = 1_000_000;

    /// <summary>Most places an insats may have (places, or fte × caseload at their upper bounds).</summary>
    public const double MaxPlaces = 100_000;

    /// <summary>Largest fte and caseload values.</summary>
    public const double MaxFte = 10_000, MaxCaseload = 1_000;

    /// <summary>Largest amount of money in one field (kronor): a total, a cost, a monthly ersättning.</summary>
    public const double MaxAmount = 1e12;

    /// <summary>Most participants a run may expect over the horizon (referral rates at their upper bounds, plus cohorts).</summary>
    public const double MaxParticipants = 2_000_000;

    /// <summary>
    /// Most participant-months summed over all replicates (participants × months × replicates):
    /// about an hour of one core for the engine; larger runs belong on a cluster with a raised limit.
    /// </summary>
    public const double MaxParticipantMonths = 20e9;

    /// <summary>The work of a run, or a message saying which limit it exceeds.</summary>
    public static string? CheckRun(double participants, int months, int replicates)
    {
        if (replicates > MaxReplicates)
            return $"{replicates.ToString(CultureInfo.InvariantCulture)} replicates is over the limit of {MaxReplicates.ToString("N0", CultureInfo.InvariantCulture)}";
        if (participants > MaxParticipants)
            return $"the referral flows can bring up to {Fmt(participants)} participants; the limit is {Fmt(MaxParticipants)} (docs/scenario-format.md §14.1)";
        var work = participants * months * replicates;
        if (work > MaxParticipantMonths)
            return $"{Fmt(participants)} participants × {months} months × {replicates} replicates = {Fmt(work)} participant-months, over the limit of {Fmt(MaxParticipantMonths)}: use fewer replicates";
        return null;
    }

    /// <summary>
    /// The participants a scenario's referral flows bring over its horizon, on average: each rate's mean
    /// times the months it is open, plus one-off cohorts (a rate's upper bound is limited separately).
    /// </summary>
    public static double ExpectedParticipants(Scenarios.Scenario s)
    {
        var first = s.Start.Index;
        var last = first + s.Months - 1;
        var total = 0.0;
        foreach (var f in s.Referrals)
        {
            if (f.Count is { } n) total += n;
            if (f.Rate is null) continue;
            var from = Math.Max(first, f.Start?.Index ?? first);
            var to = Math.Min(last, f.Stop?.Index ?? last);
            if (to >= from) total += f.Rate.Mean * (to - from + 1);
        }
        return total;
    }

    /// <summary>The run of a loaded scenario with <paramref name="replicates"/> replicates, or why it is over the budget.</summary>
    public static string? CheckRun(Scenarios.Scenario s, int replicates) => CheckRun(ExpectedParticipants(s), s.Months, replicates);

    /// <summary>
    /// The work of several runs with <paramref name="replicates"/> replicates each — a comparison's alternatives, a
    /// throughput search's trials, a calibration's evaluations, a backtest's held-out forecasts — or why it is over
    /// the budget: each run within <see cref="MaxParticipants"/>, all together within <see cref="MaxParticipantMonths"/>.
    /// </summary>
    public static string? CheckRuns(IEnumerable<(Scenarios.Scenario Scenario, long Runs)> runs, int replicates, string what)
    {
        if (replicates > MaxReplicates)
            return $"{replicates.ToString(CultureInfo.InvariantCulture)} replicates is over the limit of {MaxReplicates.ToString("N0", CultureInfo.InvariantCulture)}";
        double work = 0;
        long count = 0;
        foreach (var (s, n) in runs)
        {
            var participants = ExpectedParticipants(s);
            if (participants > MaxParticipants)
                return $"the referral flows can bring up to {Fmt(participants)} participants; the limit is {Fmt(MaxParticipants)} (docs/scenario-format.md §14.1)";
            work += participants * s.Months * (double)replicates * n;
            count += n;
        }
        if (work > MaxParticipantMonths)
            return $"{what}: {count.ToString(CultureInfo.InvariantCulture)} runs of {replicates.ToString(CultureInfo.InvariantCulture)} replicates = {Fmt(work)} participant-months, over the limit of {Fmt(MaxParticipantMonths)}: use fewer replicates (docs/scenario-format.md §14.1)";
        return null;
    }

    /// <summary><see cref="CheckRuns(IEnumerable{ValueTuple{Scenarios.Scenario, long}}, int, string)"/> for one scenario run <paramref name="runs"/> times.</summary>
    public static string? CheckRuns(Scenarios.Scenario s, int replicates, long runs, string what) => CheckRuns([(s, runs)], replicates, what);

    /// <summary>Throws <see cref="WorkBudgetException"/> when the runs are over the budget.</summary>
    public static void EnsureRuns(Scenarios.Scenario s, int replicates, long runs, string what)
    {
        if (CheckRuns(s, replicates, runs, what) is { } over) throw new WorkBudgetException(over);
    }

    private static string Fmt(double v) => v.ToString(v >= 1e7 ? "0.##e0" : "N0", CultureInfo.InvariantCulture);
}

/// <summary>Work asked for over the <see cref="WorkBudget"/>; nothing was run (exit code 2, HTTP 400).</summary>
public sealed class WorkBudgetException(string message) : Exception(message);
