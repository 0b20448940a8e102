using Finsam.Core.Evidence;
using Finsam.Core.Results;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Finsam.Core.Priors;

public sealed record LibraryBacktestOptions
{
    /// <summary>Leave one insats out instead of one whole source.</summary>
    public bool LeaveOneInsatsOut { get; init; }
    /// <summary>Monte Carlo draws from the predictive per held-out insats.</summary>
    public int Draws { get; init; } = 4000;
    public ulong Seed { get; init; } = 20261202;
    public IProgress<string>? Progress { get; init; }
}

/// <summary>
/// How one method did on one held-out distribution; null where the method has nothing to say. A complete record
/// gets TVD, log score per exit and coverage; a count-censored one ("at least x of n") its log probability per
/// exit (<see cref="CensoredLogScore"/>) and the shortfall Σ max(0, x_i/n − forecast_i), the TVD to the nearest
/// distribution the record allows.
/// </summary>
public sealed record MethodOutcome(string Method, double? Tvd, double? LogScore, int? Inside, int? Intervals, double[]? Shares,
    double? Shortfall = null, double? CensoredLogScore = null);

/// <summary>One held-out insats: its exit distribution in the source's own categories, starts and realised stay, with what each method forecast.</summary>
public sealed record HeldOut(
    string Source, string Insats, string Kind, string? Record, double Exits, IReadOnlyList<string> Categories, double[]? Observed,
    IReadOnlyList<MethodOutcome> Methods, double? Starts, (double Low, double Mean, double High)? StartsForecast,
    double? Stay, (double Low, double Median, double High)? StayForecast, double Unplaced = 0, string? StartsBasis = null)
{
    /// <summary>A count-censored record: <see cref="Observed"/> holds the lower bounds, <see cref="Unplaced"/> the people not placed.</summary>
    public bool Censored => Unplaced > 0 && Observed is not null;
    public MethodOutcome Finsam => Methods[0];
    public bool? StartsInside => Starts is { } s && StartsForecast is { } f ? s >= f.Low && s <= f.High : null;
    public bool? StayInside => Stay is { } s && StayForecast is { } f ? s >= f.Low && s <= f.High : null;
}

public sealed record LibraryBacktestResult(string Mode, IReadOnlyList<HeldOut> Rows, int Draws, ulong Seed)
{
    /// <summary>Held-out complete exit distributions: what TVD and coverage are measured on.</summary>
    public IEnumerable<HeldOut> Scored => Rows.Where(r => r.Observed is not null && !r.Censored);
    /// <summary>Held-out count-censored records: log probability and shortfall.</summary>
    public IEnumerable<HeldOut> CensoredScored => Rows.Where(r => r.Censored);
}

/// <summary>
/// <c>finsam backtest --library evidence/</c> (docs/validation.md §5): holds out each source (the whole file, as a
/// new förbund would be) or each insats, learns priors from the rest, and forecasts every held-out insats's
/// recorded exit distribution — aggregated to the source's own categories — its starts and its realised stay.
/// Scores: total variation distance, log score per exit and 90 % interval coverage, against five baselines:
/// pooled exits of all training insatser, pooled exits of the same kind, exit = start, the insats's own goal,
/// and uniform. Nothing about a held-out insats but its kind, start distribution, places, staffing and period
/// (what a förbund knows before it starts) reaches its forecast.
/// </summary>
public static class LibraryBacktest
{
    public static readonly string[] MethodNames = ["Finsam", "pooled all", "pooled same kind", "exit = start", "own goal", "uniform"];

    /// <summary>Pooled baselines of one training library, by kind ("" for all): the same for every insats held out with it.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<EvidenceLibrary, Dictionary<string, double[]?>> Pooled = new();

    public static LibraryBacktestResult Run(EvidenceLibrary library, LibraryBacktestOptions options)
    {
        var rows = new List<HeldOut>();
        if (options.LeaveOneInsatsOut)
        {
            foreach (var ins in library.Insatser)
            {
                var model = Learner.Learn(library.Without(ins));
                rows.Add(Forecast(ins, library.Without(ins), model, options));
                options.Progress?.Report($"{ins.Key}: {Describe(rows[^1])}");
            }
        }
        else
        {
            foreach (var file in library.Files)
            {
                var training = library.Without(file.Source.Id);
                var model = Learner.Learn(training);
                foreach (var ins in file.Insatser)
                {
                    rows.Add(Forecast(ins, training, model, options));
                    options.Progress?.Report($"{ins.Key}: {Describe(rows[^1])}");
                }
            }
        }
        return new LibraryBacktestResult(options.LeaveOneInsatsOut ? "leave one insats out" : "leave one source out", rows, options.Draws, options.Seed);
    }

    private static string Describe(HeldOut r) =>
        r.Observed is null ? "no exit distribution to score"
        : r.Censored ? "censored, shortfall " + string.Join(", ", r.Methods.Where(m => m.Shortfall is not null).Select(m => $"{m.Method} {m.Shortfall:0.000}"))
        : string.Join(", ", r.Methods.Where(m => m.Tvd is not null).Select(m => $"{m.Method} {m.Tvd:0.000}"));

    public static HeldOut Forecast(EvidenceInsats insats, EvidenceLibrary training, LearnedModel model, LibraryBacktestOptions options)
    {
        var rng = new MersenneTwister(unchecked((int)Simulation.Rng.Combine(options.Seed, insats.Key)), threadSafe: false);
        var exits = ExitEvidence.Of(insats);
        var (starts, startsForecast, basis) = StartsForecast(insats, model, rng, options.Draws);
        var stay = Learner.RealisedStay(insats);
        var sp = model.Stay.Predictive(insats.Kind);
        // With too few stays in the library this is the wide fallback (marked unknown in the priors): still a forecast, still scored.
        (double, double, double)? stayForecast = (sp.Quantile(0.05), sp.Median, sp.Quantile(0.95));
        if (exits is null || !(exits.Scorable || exits.CensoredScorable))
            return new HeldOut(insats.SourceId, insats.Id, insats.Kind, exits?.Record.Measure, exits?.Known ?? 0, [], null, [], starts, startsForecast, stay, stayForecast, 0, basis);

        var observed = exits.Cells.Select(c => c.Count).ToArray();
        var n = observed.Sum();
        var start = exits.Start ?? model.Exits.StartOf(insats.Kind);
        var rowShare = RowShares(exits);
        var names = exits.Cells.Select(c => c.Row is null ? c.Name : $"{c.Row} → {c.Name}").ToList();

        // Finsam: the predictive Dirichlet(C·μ) of a new insats of its kind, aggregated to the record's cells (row by
        // row), then the recorded number of exits drawn from it: the Dirichlet–multinomial at the held-out n.
        var conc = model.Exits.Concentration(insats.Kind);
        var cellMean = CellShares(exits, rowShare, cell => model.Exits.MeanExit(insats.Kind, cell.Start ?? start));
        var rows = exits.Cells.Select((c, i) => (c.Row, i)).GroupBy(x => x.Row).Select(g => g.Select(x => x.i).ToArray()).ToList();
        var simulated = observed.Select(_ => new double[options.Draws]).ToArray();
        var count = (int)Math.Round(n);
        for (var d = 0; d < options.Draws; d++)
        {
            var p = new double[observed.Length];
            foreach (var row in rows)
            {
                var mass = row.Sum(i => cellMean[i]);
                var q = DirichletSample(rng, row.Select(i => Math.Max(1e-4, conc * cellMean[i] / Math.Max(1e-12, mass))).ToArray());
                for (var j = 0; j < row.Length; j++) p[row[j]] = mass * q[j];
            }
            var drawn = MultinomialSample(rng, p, count);
            for (var i = 0; i < p.Length; i++) simulated[i][d] = count > 0 ? drawn[i] / (double)count : 0;
        }
        var methods = new List<MethodOutcome>();
        if (exits.Censored > 0) methods.Add(CensoredScore("Finsam", cellMean, exits));
        else
        {
            var inside = 0;
            var intervals = 0;
            for (var i = 0; i < observed.Length; i++)
            {
                var (lo, hi) = Interval(simulated[i]);
                if (observed[i] == 0 && hi <= 0) continue;   // nothing recorded and nothing forecast: not a test
                intervals++;
                if (observed[i] / n >= lo - 1e-9 && observed[i] / n <= hi + 1e-9) inside++;
            }
            methods.Add(new("Finsam", Scoring.TotalVariation(observed, cellMean), Scoring.LogScore(observed, cellMean), inside, intervals, cellMean));
        }

        var pooled = Pooled.GetOrCreateValue(training);
        double[]? PooledOf(string key, Func<InsatsExits, bool> which)
        {
            lock (pooled)
                if (!pooled.TryGetValue(key, out var v)) pooled[key] = v = PooledClasses(ExitEvidence.From(training.Insatser).Where(which).ToList());
                else return v;
            return pooled[key];
        }
        var pooledAll = PooledOf("", _ => true);
        MethodOutcome Baseline(string method, double[]? shares) =>
            shares is null ? new MethodOutcome(method, null, null, null, null, null)
            : exits.Censored > 0 ? CensoredScore(method, shares, exits) : Point(method, shares, observed);
        methods.Add(Baseline("pooled all", pooledAll is null ? null : CellShares(exits, rowShare, _ => pooledAll)));
        var pooledKind = PooledOf(insats.Kind, e => e.Insats.Kind == insats.Kind);
        methods.Add(Baseline("pooled same kind", pooledKind is null ? null : CellShares(exits, rowShare, _ => pooledKind)));
        methods.Add(Baseline("exit = start", exits.Start is null && exits.Cells.All(c => c.Row is null) ? null : CellShares(exits, rowShare, c => c.Start ?? start ?? HierarchicalDirichlet.Uniform(OutcomeClasses.Count))));
        var goal = insats.Goal is { } g && pooledAll is not null ? GoalClasses(g, pooledAll) : null;
        methods.Add(Baseline("own goal", goal is null ? null : CellShares(exits, rowShare, _ => goal)));
        var uniform = HierarchicalDirichlet.Uniform(OutcomeClasses.Count);
        methods.Add(Baseline("uniform", CellShares(exits, rowShare, _ => uniform)));
        return new HeldOut(insats.SourceId, insats.Id, insats.Kind, exits.Record.Measure, n + exits.Censored, names, observed, methods,
            starts, startsForecast, stay, stayForecast, exits.Censored, basis);
    }

    /// <summary>A count-censored record scored: its probability per exit under the forecast shares (multinomial) and the shortfall.</summary>
    private static MethodOutcome CensoredScore(string method, double[] shares, InsatsExits exits)
    {
        var x = exits.Cells.Select(c => c.Count).ToArray();
        var n = x.Sum() + exits.Censored;
        var floored = shares.Select(p => Math.Max(1e-4, p)).ToArray();
        var log = CensoredCounts.LogLikelihood(x, exits.Censored, floored.Select(p => CensoredCounts.Fixed * p).ToArray()) / n;
        var shortfall = x.Select((xi, i) => Math.Max(0, xi / n - shares[i])).Sum();
        return new MethodOutcome(method, null, null, null, null, shares, shortfall, log);
    }

    // ------------------------------------------------------------------ starts

    /// <summary>
    /// Starts over the period, from what a förbund knows before it starts, the best basis first: places × share
    /// used, or FTE × participants per FTE (people enrolled at a time) × (months / realised stay + 1) by Little's
    /// law; else, with only a period, starts per month × months. Each factor drawn from the kind's predictive,
    /// then Poisson. The basis is reported next to the interval.
    /// </summary>
    private static (double? Recorded, (double, double, double)? Forecast, string? Basis) StartsForecast(EvidenceInsats insats, LearnedModel model, System.Random rng, int draws)
    {
        if (insats.PeriodMonths is not { } months) return (insats.Starts, null, null);
        var stay = model.Stay.Predictive(insats.Kind);
        var values = new double[draws];
        string basis;
        if (insats.Places is not null || insats.TotalFte is not null)
        {
            var load = insats.Places is { } p ? (Prior: model.PlacesUsed.Predictive(insats.Kind), Scale: p) : (Prior: model.Caseload.Predictive(insats.Kind), Scale: insats.TotalFte!.Value);
            basis = insats.Places is not null ? "places" : "staffing";
            for (var d = 0; d < draws; d++)
            {
                var occupancy = load.Scale * load.Prior.Median * Math.Exp(load.Prior.Sigma * Normal.Sample(rng, 0, 1));
                var t = stay.Median * Math.Exp(stay.Sigma * Normal.Sample(rng, 0, 1));
                var mean = occupancy * (months / Math.Max(1, t) + 1);   // those enrolled at the end also started
                values[d] = Poisson.Sample(rng, Math.Max(1e-9, mean));
            }
        }
        else
        {
            var rate = model.StartsPerMonth.Predictive(insats.Kind);
            basis = "period";
            for (var d = 0; d < draws; d++)
                values[d] = Poisson.Sample(rng, Math.Max(1e-9, months * rate.Median * Math.Exp(rate.Sigma * Normal.Sample(rng, 0, 1))));
        }
        var (lo, hi) = Interval(values);
        return (insats.Starts, (lo, values.Average(), hi), basis);
    }

    // ------------------------------------------------------------------ cells and baselines

    /// <summary>Each cell's share of its cross-table row (the recorded starts per row are known at planning); 1 for a plain distribution.</summary>
    private static double[] RowShares(InsatsExits exits)
    {
        var total = exits.Known;
        return exits.Cells.Select(c => c.Row is null ? 1 : exits.Cells.Where(o => o.Row == c.Row).Sum(o => o.Count) / total).ToArray();
    }

    /// <summary>Forecast shares of the record's cells from class shares: Σ over each cell's classes, weighted by its row, normalised over the cells.</summary>
    private static double[] CellShares(InsatsExits exits, double[] rowShare, Func<ExitCell, double[]> classes)
    {
        var p = exits.Cells.Select((c, i) => rowShare[i] * OutcomeClasses.Members(c.Mask).Sum(k => classes(c)[k])).ToArray();
        var t = p.Sum();
        return t > 0 ? p.Select(x => x / t).ToArray() : p;
    }

    /// <summary>
    /// The pooled exits of insatser: the class shares of one multinomial shared by all of them, fitted by
    /// maximum likelihood to what each recorded — grouped categories and count-censored rests included
    /// (expectation–maximisation: a censored record's true counts given its lower bounds, a grouped count split in
    /// proportion to the current shares). With complete single-class records only this is their summed shares.
    /// </summary>
    public static double[]? PooledClasses(IReadOnlyList<InsatsExits> exits)
    {
        var used = exits.Where(e => e.Known > 0).ToList();
        if (used.Count == 0) return null;
        var k = OutcomeClasses.Count;
        var p = HierarchicalDirichlet.Uniform(k);
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var total = new double[k];
            foreach (var e in used)
            {
                var x = e.Cells.Select(c => c.Count).ToArray();
                if (e.Censored > 0)
                    x = CensoredCounts.Expected(x, e.Censored, e.Cells.Select(c => CensoredCounts.Fixed * Math.Max(1e-6, OutcomeClasses.Members(c.Mask).Sum(cl => p[cl]))).ToArray());
                for (var i = 0; i < x.Length; i++)
                {
                    var members = OutcomeClasses.Members(e.Cells[i].Mask).ToList();
                    var w = members.Sum(cl => p[cl]);
                    foreach (var cl in members) total[cl] += x[i] * (w > 0 ? p[cl] / w : 1.0 / members.Count);
                }
            }
            var t = total.Sum();
            if (t <= 0) return null;
            var next = total.Select(v => v / t).ToArray();
            var moved = next.Zip(p).Sum(q => Math.Abs(q.First - q.Second));
            p = next;
            if (moved < 1e-7) break;
        }
        return p;
    }

    /// <summary>A stated goal as class shares: its share over the goal's classes, the rest over the others, each in proportion to the pooled exits.</summary>
    private static double[] GoalClasses(EvidenceGoal goal, double[] pooled)
    {
        var mask = goal.Members.Aggregate(0, (m, id) => OutcomeClasses.Of(id).Aggregate(m, (mm, c) => mm | (1 << c)));
        var shares = new double[OutcomeClasses.Count];
        void Spread(IReadOnlyList<int> members, double mass)
        {
            var w = members.Sum(c => pooled[c]);
            foreach (var c in members) shares[c] += mass * (w > 0 ? pooled[c] / w : 1.0 / members.Count);
        }
        var inGoal = OutcomeClasses.Members(mask).ToList();
        Spread(inGoal, goal.Share);
        Spread(Enumerable.Range(0, OutcomeClasses.Count).Where(c => !inGoal.Contains(c)).ToList(), 1 - goal.Share);
        return shares;
    }

    /// <summary>A point forecast scored with the interval chance alone gives: Binomial(N, p)/N, P5–P95.</summary>
    private static MethodOutcome Point(string method, double[]? shares, double[] observed)
    {
        if (shares is null) return new MethodOutcome(method, null, null, null, null, null);
        var n = (int)Math.Round(observed.Sum());
        var inside = 0;
        var intervals = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            var (lo, hi) = Calibration.Backtest.BinomialInterval(n, shares[i]);
            if (observed[i] == 0 && hi == 0) continue;
            intervals++;
            if (observed[i] >= lo - 1e-9 && observed[i] <= hi + 1e-9) inside++;
        }
        return new MethodOutcome(method, Scoring.TotalVariation(observed, shares), Scoring.LogScore(observed, shares), inside, intervals, shares);
    }

    // ------------------------------------------------------------------ sampling

    /// <summary>P5 and P95 (definition R7, as everywhere in Finsam).</summary>
    private static (double Low, double High) Interval(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return (MathNet.Numerics.Statistics.SortedArrayStatistics.QuantileCustom(sorted, 0.05, MathNet.Numerics.Statistics.QuantileDefinition.R7),
                MathNet.Numerics.Statistics.SortedArrayStatistics.QuantileCustom(sorted, 0.95, MathNet.Numerics.Statistics.QuantileDefinition.R7));
    }

    private static double[] DirichletSample(System.Random rng, double[] alpha)
    {
        var x = alpha.Select(a => Gamma.Sample(rng, a, 1)).ToArray();
        var t = x.Sum();
        return t > 0 ? x.Select(v => v / t).ToArray() : HierarchicalDirichlet.Uniform(alpha.Length);
    }

    private static int[] MultinomialSample(System.Random rng, double[] p, int n)
    {
        var counts = new int[p.Length];
        var left = n;
        var mass = 1.0;
        for (var i = 0; i < p.Length - 1 && left > 0; i++)
        {
            var q = mass > 0 ? Math.Clamp(p[i] / mass, 0, 1) : 0;
            counts[i] = q >= 1 ? left : q <= 0 ? 0 : Binomial.Sample(rng, q, left);
            left -= counts[i];
            mass -= p[i];
        }
        counts[^1] += left;
        return counts;
    }
}
