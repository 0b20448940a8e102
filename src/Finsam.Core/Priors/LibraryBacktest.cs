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

/// <summary>How one method did on one held-out distribution; null where the method has nothing to say.</summary>
public sealed record MethodOutcome(string Method, double? Tvd, double? LogScore, int? Inside, int? Intervals, double[]? Shares);

/// <summary>One held-out insats: its exit distribution in the source's own categories, starts and realised stay, with what each method forecast.</summary>
public sealed record HeldOut(
    string Source, string Insats, string Kind, string? Record, double Exits, IReadOnlyList<string> Categories, double[]? Observed,
    IReadOnlyList<MethodOutcome> Methods, double? Starts, (double Low, double Mean, double High)? StartsForecast,
    double? Stay, (double Low, double Median, double High)? StayForecast)
{
    public MethodOutcome Finsam => Methods[0];
    public bool? StartsInside => Starts is { } s && StartsForecast is { } f ? s >= f.Low && s <= f.High : null;
    public bool? StayInside => Stay is { } s && StayForecast is { } f ? s >= f.Low && s <= f.High : null;
}

public sealed record LibraryBacktestResult(string Mode, IReadOnlyList<HeldOut> Rows, int Draws, ulong Seed)
{
    public IEnumerable<HeldOut> Scored => Rows.Where(r => r.Observed is not null);
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
        r.Observed is null ? "no exit distribution to score" : string.Join(", ", r.Methods.Where(m => m.Tvd is not null).Select(m => $"{m.Method} {m.Tvd:0.000}"));

    public static HeldOut Forecast(EvidenceInsats insats, EvidenceLibrary training, LearnedModel model, LibraryBacktestOptions options)
    {
        var rng = new MersenneTwister(unchecked((int)Simulation.Rng.Combine(options.Seed, insats.Key)), threadSafe: false);
        var exits = ExitEvidence.Of(insats) is { } recorded ? Partition(recorded) : null;
        var (starts, startsForecast) = StartsForecast(insats, model, rng, options.Draws);
        var stay = Learner.RealisedStay(insats);
        var sp = model.Stay.Predictive(insats.Kind);
        // With too few stays in the library this is the wide fallback (marked unknown in the priors): still a forecast, still scored.
        (double, double, double)? stayForecast = (sp.Quantile(0.05), sp.Median, sp.Quantile(0.95));
        if (exits is null || !exits.Scorable)
            return new HeldOut(insats.SourceId, insats.Id, insats.Kind, exits?.Record.Measure, exits?.Known ?? 0, [], null, [], starts, startsForecast, stay, stayForecast);

        var observed = exits.Cells.Select(c => c.Count).ToArray();
        var n = observed.Sum();
        var start = exits.Start ?? model.Exits.StartOf(insats.Kind);
        var rowShare = RowShares(exits);
        var names = exits.Cells.Select(c => c.Row is null ? c.Name : $"{c.Row} → {c.Name}").ToList();

        // Finsam: draw λ and θ from the kind's predictive, then the recorded number of exits from them.
        var (lm, lc) = model.Exits.KeepShare(insats.Kind);
        var (tm, tc) = model.Exits.Theta.Predictive(insats.Kind);
        var meanShares = new double[observed.Length];
        var simulated = observed.Select(_ => new double[options.Draws]).ToArray();
        var count = (int)Math.Round(n);
        for (var d = 0; d < options.Draws; d++)
        {
            var lambda = Beta.Sample(rng, Math.Max(1e-3, lm * lc), Math.Max(1e-3, (1 - lm) * lc));
            var theta = DirichletSample(rng, tm.Select(m => Math.Max(1e-4, m * tc)).ToArray());
            var p = CellShares(exits, rowShare, cell => Mix(lambda, cell.Start ?? start, theta));
            for (var i = 0; i < p.Length; i++) meanShares[i] += p[i] / options.Draws;
            var drawn = MultinomialSample(rng, p, count);
            for (var i = 0; i < p.Length; i++) simulated[i][d] = count > 0 ? drawn[i] / (double)count : 0;
        }
        var inside = 0;
        var intervals = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            var (lo, hi) = Interval(simulated[i]);
            if (observed[i] == 0 && hi <= 0) continue;   // nothing recorded and nothing forecast: not a test
            intervals++;
            if (observed[i] / n >= lo - 1e-9 && observed[i] / n <= hi + 1e-9) inside++;
        }
        var methods = new List<MethodOutcome> { new("Finsam", Scoring.TotalVariation(observed, meanShares), Scoring.LogScore(observed, meanShares), inside, intervals, meanShares) };

        var all = ExitEvidence.From(training.Insatser).ToList();
        var pooledAll = PooledClasses(all);
        var sameKind = all.Where(e => e.Insats.Kind == insats.Kind).ToList();
        methods.Add(Point("pooled all", pooledAll is null ? null : CellShares(exits, rowShare, _ => pooledAll), observed));
        var pooledKind = PooledClasses(sameKind);
        methods.Add(Point("pooled same kind", pooledKind is null ? null : CellShares(exits, rowShare, _ => pooledKind), observed));
        methods.Add(Point("exit = start", exits.Start is null && exits.Cells.All(c => c.Row is null) ? null : CellShares(exits, rowShare, c => c.Start ?? start), observed));
        var goal = insats.Goal is { } g && pooledAll is not null ? GoalClasses(g, pooledAll) : null;
        methods.Add(Point("own goal", goal is null ? null : CellShares(exits, rowShare, _ => goal), observed));
        var uniform = HierarchicalDirichlet.Uniform(OutcomeClasses.Count);
        methods.Add(Point("uniform", CellShares(exits, rowShare, _ => uniform), observed));
        return new HeldOut(insats.SourceId, insats.Id, insats.Kind, exits.Record.Measure, n, names, observed, methods, starts, startsForecast, stay, stayForecast);
    }

    /// <summary>
    /// The recorded categories merged to the finest partition both the source and the outcome classes can tell
    /// apart: within a row, categories whose classes overlap become one (Annat, Praktik and Verksam are all
    /// "ovrigt"; "Ekonomiskt bistånd" overlaps "A-kassa"), so every forecast share is counted once.
    /// </summary>
    public static InsatsExits Partition(InsatsExits exits)
    {
        var merged = new List<ExitCell>();
        foreach (var row in exits.Cells.GroupBy(c => c.Row))
        {
            var cells = row.ToList();
            var changed = true;
            while (changed)
            {
                changed = false;
                for (var i = 0; i < cells.Count && !changed; i++)
                    for (var j = i + 1; j < cells.Count && !changed; j++)
                    {
                        if ((cells[i].Mask & cells[j].Mask) == 0) continue;
                        cells[i] = cells[i] with { Mask = cells[i].Mask | cells[j].Mask, Count = cells[i].Count + cells[j].Count, Name = $"{cells[i].Name} + {cells[j].Name}" };
                        cells.RemoveAt(j);
                        changed = true;
                    }
            }
            merged.AddRange(cells);
        }
        return exits with { Cells = merged };
    }

    // ------------------------------------------------------------------ starts

    /// <summary>
    /// Starts over the period from Little's law: people enrolled at a time (places × share used, or FTE ×
    /// participants per FTE) × months / realised stay, each drawn from the kind's predictive, then Poisson.
    /// </summary>
    private static (double? Recorded, (double, double, double)? Forecast) StartsForecast(EvidenceInsats insats, LearnedModel model, System.Random rng, int draws)
    {
        if (insats.PeriodMonths is not { } months || (insats.Places is null && insats.TotalFte is null)) return (insats.Starts, null);
        var stay = model.Stay.Predictive(insats.Kind);
        var load = insats.Places is { } p ? (Prior: model.PlacesUsed.Predictive(insats.Kind), Scale: p) : (Prior: model.Caseload.Predictive(insats.Kind), Scale: insats.TotalFte!.Value);
        var values = new double[draws];
        for (var d = 0; d < draws; d++)
        {
            var occupancy = load.Scale * load.Prior.Median * Math.Exp(load.Prior.Sigma * Normal.Sample(rng, 0, 1));
            var t = stay.Median * Math.Exp(stay.Sigma * Normal.Sample(rng, 0, 1));
            var mean = occupancy * (months / Math.Max(1, t) + 1);   // those enrolled at the end also started
            values[d] = Poisson.Sample(rng, Math.Max(1e-9, mean));
        }
        var (lo, hi) = Interval(values);
        return (insats.Starts, (lo, values.Average(), hi));
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

    private static double[] Mix(double lambda, double[] start, double[] theta) => theta.Select((x, c) => lambda * start[c] + (1 - lambda) * x).ToArray();

    /// <summary>Recorded exits of insatser summed by class; grouped categories split in proportion to the single-class totals.</summary>
    public static double[]? PooledClasses(IReadOnlyList<InsatsExits> exits)
    {
        if (exits.Count == 0) return null;
        var single = new double[OutcomeClasses.Count];
        foreach (var cell in exits.SelectMany(e => e.Cells))
            if (OutcomeClasses.Members(cell.Mask).ToList() is [var only]) single[only] += cell.Count;
        var total = (double[])single.Clone();
        foreach (var cell in exits.SelectMany(e => e.Cells))
        {
            var members = OutcomeClasses.Members(cell.Mask).ToList();
            if (members.Count < 2) continue;
            var w = members.Sum(c => single[c]);
            foreach (var c in members) total[c] += cell.Count * (w > 0 ? single[c] / w : 1.0 / members.Count);
        }
        var t = total.Sum();
        return t > 0 ? total.Select(x => x / t).ToArray() : null;
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
