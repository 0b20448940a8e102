using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;
using MathNet.Numerics.Distributions;

namespace Finsam.Core.Calibration;

public sealed record BacktestOptions
{
    public int Replicates { get; init; } = 200;
    public ulong? Seed { get; init; }
    /// <summary>Pseudo-exits per start row pulling it towards the pooled exit mix of the training insatser.</summary>
    public double PriorStrength { get; init; } = 10;
    /// <summary>Pseudo-exits per row spread evenly over every occupation (nothing is impossible at exit).</summary>
    public double PriorFloor { get; init; } = 1;
    public IProgress<string>? Progress { get; init; }
    /// <summary>Where the held-out runs go (default: this process).</summary>
    public IReplicateRunner? Runner { get; init; }
}

/// <summary>How one method scored on one held-out insats; all null where the method has nothing to say (no goal).</summary>
public sealed record MethodScore(string Method, double? Tvd, double? LogScore, int? Inside, int? Intervals, IReadOnlyList<double>? Shares)
{
    public static MethodScore NotAvailable(string method) => new(method, null, null, null, null, null);
    public double? Coverage => Inside is { } i && Intervals is > 0 ? i / (double)Intervals : null;
}

public sealed record BacktestRow(
    string Insats, string Name, double Exits, IReadOnlyList<double> Observed,
    MethodScore Finsam, MethodScore StartAsExit, MethodScore Pooled, MethodScore Goal, string GoalText);

public sealed record BacktestResult(
    IReadOnlyList<BacktestRow> Rows, IReadOnlyList<string> Categories, IReadOnlyList<string> ScoredCategories,
    int Replicates, ulong Seed, double PriorStrength, double PriorFloor);

/// <summary>
/// Out-of-sample validation of exit forecasts: each insats with recorded start and exit occupations is
/// held out in turn. From the others, a shared exit model (occupation at admission → occupation at
/// exit) is fitted from their start and exit marginals by MAP–EM with a Dirichlet prior towards their
/// pooled exit mix; the held-out insats is then run through the engine with that model, its own start
/// distribution, capacity and dropout, and its forecast exit occupations are scored against what was
/// recorded, next to three baselines: (a) exits = its start distribution, (b) the pooled exit mix of
/// the others, (c) its own stated goal, where it had one.
/// </summary>
public static class Backtest
{
    public const string ModelId = "backtest";

    public static async Task<BacktestResult> RunAsync(Scenario scenario, BacktestOptions options, CancellationToken ct = default)
    {
        var occupations = scenario.Occupations.Select(o => o.Id).ToArray();
        var cases = Cases(scenario);
        if (cases.Count < 2) throw new InvalidOperationException("the backtest needs at least two insatser with recorded start and exit occupations");
        var scored = occupations.Where(o => cases.Any(c => c.Exits[Array.IndexOf(occupations, o)] > 0)).ToArray();
        var scoredIdx = scored.Select(o => Array.IndexOf(occupations, o)).ToArray();
        var seed = options.Seed ?? scenario.Seed;
        var rows = new List<BacktestRow>();
        WorkBudget.EnsureRuns(scenario, options.Replicates, cases.Count, "backtest");

        foreach (var held in cases)
        {
            ct.ThrowIfCancellationRequested();
            var training = cases.Where(c => c != held).ToList();
            var fit = FitModel(training, occupations, options.PriorStrength, options.PriorFloor);
            var pooled = Normalise(Sum(training.Select(c => c.Exits)));

            // Finsam: the held-out insats through the engine with the fitted model.
            var edited = ScenarioEdit.WithExitModel(scenario, held.Insats.Id, fit.Model);
            var run = await (options.Runner ?? LocalReplicateRunner.Instance).RunAllAsync(edited, new RunOptions { Replicates = options.Replicates, Seed = seed }, ct: ct);
            var forecasts = run.Replicates.Select(r => Summariser.Forecast(held.ExitRecord, run.Index, r)).ToList();
            var pooledForecast = Normalise(Sum(forecasts));
            var inside = 0;
            foreach (var e in scoredIdx)
            {
                var shares = Stat.Of(forecasts.Select(f => f.Sum() is var t && t > 0 ? f[e] / t : double.NaN)) ?? Stat.Zero;
                if (shares.Contains(held.Exits[e] / held.Total)) inside++;
            }
            var finsam = new MethodScore("Finsam", Scoring.TotalVariation(held.Exits, pooledForecast),
                Scoring.LogScore(held.Exits, pooledForecast), inside, scoredIdx.Length, pooledForecast);

            var startAsExit = Point("exit = start", Normalise(held.Starts), held, scoredIdx);
            var pooledScore = Point("pooled others", pooled, held, scoredIdx);
            var (goalShares, goalText) = GoalDistribution(held.Insats.Goal, occupations, pooled);
            var goal = goalShares is null ? MethodScore.NotAvailable("own goal") : Point("own goal", goalShares, held, scoredIdx);
            rows.Add(new BacktestRow(held.Insats.Id, held.Insats.Name, held.Total, held.Exits, finsam, startAsExit, pooledScore, goal, goalText));
            options.Progress?.Report($"{held.Insats.Id}: TVD Finsam {finsam.Tvd:0.000}, start {startAsExit.Tvd:0.000}, pooled {pooledScore.Tvd:0.000}{(goal.Tvd is { } g ? $", goal {g:0.000}" : "")} (EM {fit.Fit.Iterations} iterations)");
        }
        return new BacktestResult(rows, occupations, scored, options.Replicates, seed, options.PriorStrength, options.PriorFloor);
    }

    // ------------------------------------------------------------------ cases

    /// <summary>An insats that can be held out: recorded start and exit occupations, and its exits that were planned.</summary>
    public sealed record Case(Insats Insats, RecordedResult ExitRecord, double[] Starts, double[] Exits, double[] Planned)
    {
        public double Total => Exits.Sum();
    }

    public static List<Case> Cases(Scenario s)
    {
        var occupations = s.Occupations.Select(o => o.Id).ToArray();
        double[] Over(IReadOnlyDictionary<string, double> counts) => occupations.Select(o => counts.GetValueOrDefault(o)).ToArray();
        RecordedResult? Longest(string insats, RecordedQuantity q) => s.Recorded
            .Where(r => r.Insats == insats && r.Quantity == q && r.IsPlain)
            .OrderByDescending(r => YearMonth.MonthsBetween(r.From, r.To)).ThenBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault();
        var cases = new List<Case>();
        foreach (var ins in s.Insatser.Where(i => i.Kind == InsatsKind.Individual))
        {
            if (Longest(ins.Id, RecordedQuantity.StartOccupation) is not { } start || Longest(ins.Id, RecordedQuantity.ExitOccupation) is not { } exit) continue;
            var exits = Over(exit.Counts!);
            var planned = (double[])exits.Clone();
            // Unplanned exits recorded for the same period went to dropout.to, not through the exit model.
            if (ins.DropoutTo is { } to && s.Recorded.FirstOrDefault(r => r.Insats == ins.Id && r.Quantity == RecordedQuantity.Unplanned && r.From == exit.From && r.To == exit.To) is { Value: { } unplanned })
            {
                var at = Array.IndexOf(occupations, to);
                planned[at] = Math.Max(0, planned[at] - unplanned);
            }
            cases.Add(new Case(ins, exit, Over(start.Counts!), exits, planned));
        }
        return cases;
    }

    // ------------------------------------------------------------------ the shared exit model

    public sealed record ModelFit(ExitModel Model, ExitTableFit Fit, string[] RowOccupations, double[] Prior);

    /// <summary>
    /// Fits the start → exit table from the training insatser's start and planned-exit marginals. Every
    /// start occupation seen in training gets a row; others use the default row, which is the prior.
    /// Prior on each row: Dirichlet(strength × pooled planned-exit shares + floor / |occupations|).
    /// Rows in the model are Dirichlet(prior + exits the EM attributes to the row), so each replicate
    /// draws its own table and the forecast carries what five insatser cannot pin down.
    /// </summary>
    public static ModelFit FitModel(IReadOnlyList<Case> training, string[] occupations, double strength, double floor)
    {
        var pooled = Normalise(Sum(training.Select(c => c.Planned)));
        var prior = pooled.Select(p => strength * p + floor / occupations.Length).ToArray();
        var startTotals = Sum(training.Select(c => c.Starts));
        var rowOcc = occupations.Where((_, o) => startTotals[o] > 0).ToArray();
        var rowIdx = rowOcc.Select(o => Array.IndexOf(occupations, o)).ToArray();
        var data = training.Select(c => new MarginalData(c.Insats.Id, rowIdx.Select(o => c.Starts[o]).ToArray(), c.Planned)).ToList();
        var alpha = rowOcc.Select(_ => (double[])prior.Clone()).ToArray();
        var fit = ExitTableFitter.Fit(data, alpha);
        Mix Row(string key, double[] w) => new(key, occupations, w, IsDirichlet: true);
        var model = new ExitModel(ModelId,
            rowOcc.Select((o, g) => new ExitRow(o, Row($"exit_models[{ModelId}].rows.{o}", prior.Select((a, e) => a + fit.Expected[g][e]).ToArray()))).ToList(),
            Row($"exit_models[{ModelId}].rows.default", prior));
        return new ModelFit(model, fit, rowOcc, prior);
    }

    // ------------------------------------------------------------------ baselines

    /// <summary>
    /// A goal as a distribution: each part's share goes to its occupations in proportion to the pooled
    /// exits of the other insatser among them (evenly if none of them was seen); what the parts leave
    /// goes to all other occupations in the same way. Null when the insats stated no exit goal.
    /// </summary>
    public static (double[]? Shares, string Text) GoalDistribution(ExitGoal? goal, string[] occupations, double[] pooled)
    {
        if (goal is null || goal.Parts.Count == 0) return (null, "n/a (no exit goal stated)");
        var shares = new double[occupations.Length];
        void SpreadOver(IReadOnlyList<int> members, double mass)
        {
            if (members.Count == 0 || mass <= 0) return;
            var w = members.Sum(m => pooled[m]);
            foreach (var m in members) shares[m] += mass * (w > 0 ? pooled[m] / w : 1.0 / members.Count);
        }
        var inParts = new HashSet<int>();
        foreach (var part in goal.Parts)
        {
            var members = part.To.Select(o => Array.IndexOf(occupations, o)).Where(i => i >= 0).ToList();
            inParts.UnionWith(members);
            SpreadOver(members, part.Share);
        }
        var rest = 1 - goal.Parts.Sum(p => p.Share);
        SpreadOver(Enumerable.Range(0, occupations.Length).Where(o => !inParts.Contains(o)).ToList(), rest);
        var text = string.Join(", ", goal.Parts.Select(p => $"{p.Share:0%} to {string.Join("/", p.To)}")) + $"; rest {rest:0%}";
        return (shares, text);
    }

    /// <summary>A point forecast scored with 90 % intervals from multinomial chance alone: Binomial(N, p) / N, N = recorded exits.</summary>
    private static MethodScore Point(string method, double[] shares, Case held, int[] scored)
    {
        var n = (int)Math.Round(held.Total);
        var inside = 0;
        foreach (var e in scored)
        {
            var (lo, hi) = BinomialInterval(n, shares[e]);
            var observed = held.Exits[e];
            if (observed >= lo - 1e-9 && observed <= hi + 1e-9) inside++;
        }
        return new MethodScore(method, Scoring.TotalVariation(held.Exits, shares), Scoring.LogScore(held.Exits, shares), inside, scored.Length, shares);
    }

    /// <summary>The 5th and 95th percentiles of Binomial(n, p), as counts.</summary>
    public static (int Low, int High) BinomialInterval(int n, double p)
    {
        if (p <= 0) return (0, 0);
        if (p >= 1) return (n, n);
        int lo = -1, hi = n;
        for (var k = 0; k <= n; k++)
        {
            var cdf = Binomial.CDF(p, n, k);
            if (lo < 0 && cdf >= Stat.Low) lo = k;
            if (cdf >= Stat.High) { hi = k; break; }
        }
        return (Math.Max(0, lo), hi);
    }

    private static double[] Sum(IEnumerable<double[]> rows)
    {
        double[]? total = null;
        foreach (var r in rows)
        {
            total ??= new double[r.Length];
            for (var k = 0; k < r.Length; k++) total[k] += r[k];
        }
        return total ?? [];
    }

    private static double[] Normalise(double[] w)
    {
        var t = w.Sum();
        return t > 0 ? w.Select(x => x / t).ToArray() : w;
    }
}
