namespace Finsam.Core.Priors;

/// <summary>
/// The fitted exit model (docs/validation.md §4.2): an insats of kind j whose participants started with class
/// shares s has exit shares q ~ Dirichlet(C_j · μ), μ = λ_j·s + (1 − λ_j)·m_j — "keeps the start class" with the
/// kind's keep share λ_j, else "goes where this kind's participants go" (m_j); both pooled toward all kinds.
/// <see cref="Keep"/> holds λ (two categories: keep, not keep), <see cref="Theta"/> the class mix m and the
/// spread: C_j is <see cref="HierarchicalFit.Predictive"/>'s concentration, which adds the spread between
/// insatser (a) and the uncertainty of the kind mean.
/// </summary>
public sealed record ExitPriorFit(
    HierarchicalFit Keep, HierarchicalFit Theta, IReadOnlyDictionary<string, double[]> KindStarts, double[]? GlobalStart,
    int Iterations, int Insatser, double LeaveOneOutLogLikelihood, int Candidates)
{
    /// <summary>Whether the library had too few complete exit distributions to choose the concentrations (then wide, marked unknown).</summary>
    public bool SpreadUnknown { get; init; }
    /// <summary>Complete exit distributions (no unplaced rest) the fit saw.</summary>
    public int Complete { get; init; }
    /// <summary>κ: the factor on the predictive concentration that makes leave-one-source-out 90 % intervals hold 90 % inside the data given (<see cref="SpreadCalibration"/>).</summary>
    public double SpreadScale { get; init; } = 1;
    /// <summary>Leave-one-source-out coverage of the 90 % intervals at <see cref="SpreadScale"/>, inside the data given: (inside, cells); null when not calibrated.</summary>
    public (int Inside, int Cells)? InnerCoverage { get; init; }

    /// <summary>The kind's keep share λ_j and how sure the library is of it (a Beta's concentration).</summary>
    public (double Mean, double Concentration) KeepShare(string? kind)
    {
        var (m, c) = Keep.Predictive(kind);
        return (m[0], c);
    }

    /// <summary>Mean exit shares of a new insats of the kind for people who started in class s (null: start of no class, no keep part).</summary>
    public double[] MeanExit(string? kind, int? startClass)
    {
        var m = Theta.Predictive(kind).Mean;
        var lambda = startClass is null ? 0 : KeepShare(kind).Mean;
        var q = m.Select(x => (1 - lambda) * x).ToArray();
        if (startClass is { } s) q[s] += lambda;
        return q;
    }

    /// <summary>Mean exit shares μ of a new insats of the kind given its start-class shares (null: the kind's usual starts).</summary>
    public double[] MeanExit(string? kind, double[]? start)
    {
        start ??= StartOf(kind);
        var m = Theta.Predictive(kind).Mean;
        if (start is null) return [.. m];
        var lambda = KeepShare(kind).Mean;
        return m.Select((x, c) => lambda * start[c] + (1 - lambda) * x).ToArray();
    }

    /// <summary>The concentration C_j of a new insats's exit shares around μ.</summary>
    public double Concentration(string? kind) => Math.Max(1e-3, SpreadScale * Theta.Predictive(kind).Concentration);

    /// <summary>The kind's usual start shares; null when the library recorded no start at all.</summary>
    public double[]? StartOf(string? kind) => kind is not null && KindStarts.TryGetValue(kind, out var s) ? s : GlobalStart;

    /// <summary>The exit-model row of one start class: Dirichlet(C_j · μ_s), what a scenario's row takes (docs/scenario-format.md §9).</summary>
    public (double[] Mean, double Concentration) RowDirichlet(string? kind, int? startClass) =>
        (MeanExit(kind, startClass), Concentration(kind));
}

/// <summary>
/// Fits <see cref="ExitPriorFit"/>. Given the hyper-parameters (<see cref="ExitHyper"/>: a, insatser around their
/// kind's μ; b, kinds' class mix around all kinds; u, the all-kinds mix around uniform; λ_0 and b_λ, kinds' keep
/// share around λ_0) — so pooled all, pooled same kind, exit = start and uniform are all special cases — the kind means come from
/// expectation–maximisation over what the evidence hides: the true counts behind a count-censored record
/// (E[counts | at least x recorded], <see cref="CensoredCounts.Expected"/>), which class inside a grouped
/// category, and which exits kept their start class (split in proportion to λ_j·s(c) and (1 − λ_j)·m_j(c); the
/// kind's mean, not the insats's own, or λ is not identified). Each insats informs its kind with the effective
/// count w = N·a/(N + a) of its placed exits. The concentrations are then chosen, inside the data given, by the
/// leave-one-source-out likelihood of what each insats recorded under the predictive made from the other sources — nested:
/// in a backtest only the training fold is seen — by coordinate ascent over fixed grids; then
/// <see cref="SpreadCalibration"/> sets the spread factor κ inside the same data.
/// </summary>
/// <summary>The exit model's hyper-parameters: a (insatser around their kind), b (kinds around all), b_λ (kinds' keep share around λ_0), u (uniform pseudo-counts in the all-kinds mean), λ_0.</summary>
public readonly record struct ExitHyper(double A, double B, double BKeep, double U, double Keep0);

public static class ExitPriorFitter
{
    public static readonly double[] InsatsGrid = [0.5, 1, 2, 4, 8, 16, 32, 64, 256];
    public static readonly double[] KindGrid = [0.5, 2, 8, 32, HierarchicalDirichlet.MaxConcentration];
    /// <summary>u: pseudo-counts of the uniform mix in the all-kinds mean (large u: every kind pulled toward uniform).</summary>
    public static readonly double[] GlobalGrid = [1, 4, 16, 64, 256];
    /// <summary>λ_0: the keep share of all kinds, 0 first (the keep part off, the pooled model) so that it is on only where it predicts better.</summary>
    public static readonly double[] KeepGrid = [0, 0.1, 0.25, 0.5];

    private sealed record Means(double[] M0, Dictionary<string, double[]> M, Dictionary<string, double> W, double WTotal,
        double L0, Dictionary<string, double> L, Dictionary<string, double> WL, double WLTotal, int Iterations);

    public static ExitPriorFit Fit(IReadOnlyList<InsatsExits> data, ExitHyper? concentrations = null)
    {
        var k = OutcomeClasses.Count;
        // No recorded start anywhere: starts unknown, and the keep part has nothing to keep.
        var globalStart = Mean(data.Where(d => d.Start is not null).Select(d => d.Start!));
        var kindStarts = data.Where(d => d.Start is not null).GroupBy(d => d.Insats.Kind, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Mean(g.Select(d => d.Start!))!, StringComparer.Ordinal);
        double[]? StartFor(InsatsExits d) => d.Start ?? (kindStarts.TryGetValue(d.Insats.Kind, out var ks) ? ks : globalStart);

        // Lower bounds alone cannot show how much insatser differ (any tight forecast above the bounds satisfies them),
        // so the concentrations are chosen only when enough complete distributions exist; else the spread is unknown
        // and stays wide (a = 1), like the other fallbacks marked unknown.
        var complete = data.Count(d => d.Censored <= 0 && d.Cells.Count >= 2 && d.Known > 0);
        var unknownSpread = concentrations is null && complete < MinimumComplete;
        var best = concentrations ?? (unknownSpread ? UnknownSpread : new ExitHyper(8, 8, 8, 1, 0));
        var loo = double.NaN;
        var candidates = 0;
        if (concentrations is null && !unknownSpread)
        {
            var seen = new Dictionary<ExitHyper, double>();
            Means? warm = null;
            double Score(ExitHyper c)
            {
                if (!seen.TryGetValue(c, out var v)) (seen[c], warm) = (v, _) = LeaveOneOut(data, StartFor, c, warm);
                return v;
            }
            for (var round = 0; round < 4; round++)
            {
                var before = best;
                // MaxBy keeps the first of equal scores: with no evidence on a parameter its first grid value stands.
                best = InsatsGrid.Select(a => best with { A = a }).MaxBy(Score);
                best = KindGrid.Select(b => best with { B = b }).MaxBy(Score);
                best = GlobalGrid.Select(u => best with { U = u }).MaxBy(Score);
                best = KeepGrid.Select(l => best with { Keep0 = l }).MaxBy(Score);
                best = KindGrid.Select(b => best with { BKeep = b }).MaxBy(Score);
                if (best == before) break;
            }
            loo = Score(best);
            candidates = seen.Count;
        }
        var means = Em(data, StartFor, best, null);
        var fit = Build(means, best, kindStarts, globalStart, data.Count, loo, candidates) with { SpreadUnknown = unknownSpread, Complete = complete };
        // The spread is recalibrated only when it was chosen (a fixed or unknown spread is used as given) and only on the data given.
        if (concentrations is not null || unknownSpread) return fit;
        var chosen = best;
        var (scale, coverage) = SpreadCalibration.Choose(data, source => Fit(data.Where(d => d.Insats.SourceId != source).ToList(), chosen));
        return fit with { SpreadScale = scale, InnerCoverage = coverage };
    }

    /// <summary>Fewer complete exit distributions than this and the concentrations are not chosen but <see cref="UnknownSpread"/>.</summary>
    public const int MinimumComplete = 3;

    /// <summary>The concentrations when the library cannot show the spread: insatser very unlike each other (a = 1), kinds pooled moderately.</summary>
    public static readonly ExitHyper UnknownSpread = new(1, 8, 8, 1, 0);

    private static ExitPriorFit Build(Means f, ExitHyper c, Dictionary<string, double[]> kindStarts, double[]? globalStart, int insatser, double loo, int candidates)
    {
        var boundary = new List<string>();
        if (c.A <= InsatsGrid[0]) boundary.Add($"insats concentration at its lower bound {InsatsGrid[0]}");
        if (c.A >= InsatsGrid[^1]) boundary.Add($"insats concentration at its upper bound {InsatsGrid[^1]}");
        if (c.B >= KindGrid[^1]) boundary.Add("kind concentration at its upper bound (no difference between kinds seen: full pooling)");
        if (c.U >= GlobalGrid[^1]) boundary.Add($"global concentration at its upper bound {GlobalGrid[^1]} (all kinds pulled to uniform)");
        var theta = new HierarchicalFit(f.M0, f.M, f.W, c.A, c.B, f.WTotal, boundary) { GlobalConcentration = c.U };
        var keepBoundary = c.BKeep >= KindGrid[^1] ? new List<string> { "kind concentration at its upper bound (full pooling)" } : [];
        // The keep share is a kind-level quantity (the spread between insatser is in a): its predictive carries only
        // the uncertainty of the kind's mean, hence the very large insats concentration.
        var keep = new HierarchicalFit([f.L0, 1 - f.L0], f.L.ToDictionary(kv => kv.Key, kv => new[] { kv.Value, 1 - kv.Value }, StringComparer.Ordinal),
            f.WL, 1e6, c.BKeep, f.WLTotal, keepBoundary);
        return new ExitPriorFit(keep, theta, kindStarts, globalStart, f.Iterations, insatser, loo, candidates);
    }

    /// <summary>Σ over insatser of log P(its record | the predictive for a new insats of its kind, made from all the others).</summary>
    /// <summary>
    /// Σ over insatser of log P(its record | the predictive made without its whole source). Leaving the source out,
    /// not just the insats, asks what the priors are for — a new förbund's insats — and keeps a source's similar
    /// insatser (one report, one förbund) from vouching for each other. The kind means without a source come from
    /// one M-step on the converged expected counts of all the others — the usual one-step approximation to
    /// refitting, which keeps a grid search over the concentrations within seconds.
    /// </summary>
    private static (double, Means) LeaveOneOut(IReadOnlyList<InsatsExits> data, Func<InsatsExits, double[]?> startFor, ExitHyper c, Means? warm)
    {
        var full = Em(data, startFor, c, warm, maxIterations: 100, tolerance: 1e-6);
        var parts = EStep(data, startFor, c, full);
        var kinds = data.Select(d => d.Insats.Kind).Distinct(StringComparer.Ordinal).ToList();
        var total = 0.0;
        foreach (var source in data.Select(d => d.Insats.SourceId).Distinct(StringComparer.Ordinal))
        {
            var others = parts.Where((_, j) => data[j].Insats.SourceId != source).ToList();
            var f = MStep(others, kinds.Where(j => others.Any(o => o.Kind == j)).ToList(), c, full.Iterations);
            var fit = Build(f, c, [], null, others.Count, double.NaN, 0);
            for (var i = 0; i < data.Count; i++)
                if (data[i].Insats.SourceId == source) total += LogLikelihood(data[i], fit, startFor(data[i]));
        }
        return (total, full);
    }

    /// <summary>log P(what the insats recorded | Dirichlet(C_j · μ) of its kind), row by row for a cross-table.</summary>
    public static double LogLikelihood(InsatsExits d, ExitPriorFit fit, double[]? fallbackStart)
    {
        var conc = fit.Concentration(d.Insats.Kind);
        var total = 0.0;
        foreach (var row in d.Cells.GroupBy(x => x.Row))
        {
            var cells = row.ToList();
            var alpha = cells.Select(cell =>
            {
                var mu = fit.MeanExit(d.Insats.Kind, cell.Start ?? fallbackStart);
                return conc * OutcomeClasses.Members(cell.Mask).Sum(cl => mu[cl]);
            }).ToArray();
            total += CensoredCounts.LogLikelihood(cells.Select(x => x.Count).ToArray(), row.Key is null ? d.Censored : 0, alpha);
        }
        return total;
    }

    /// <summary>What one insats adds to its kind's sums: w·(θ shares) and w, and (with a recorded start) w·keep share and w.</summary>
    private sealed record Part(string Kind, double[] Theta, double WTheta, double Keep, double WKeep);

    private static Means Em(IReadOnlyList<InsatsExits> data, Func<InsatsExits, double[]?> startFor, ExitHyper c,
        Means? start, int maxIterations = 200, double tolerance = 1e-7)
    {
        var k = OutcomeClasses.Count;
        var kinds = data.Select(d => d.Insats.Kind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var m0 = start?.M0 ?? HierarchicalDirichlet.Uniform(k);
        var l0 = c.Keep0;
        const double keepStart = 0.3;   // λ_j = 0 would be a fixed point of the EM: start every kind off it
        var means = new Means(m0,
            kinds.ToDictionary(j => j, j => start is not null && start.M.TryGetValue(j, out var v) ? v : m0, StringComparer.Ordinal),
            [], 0, l0, kinds.ToDictionary(j => j, _ => keepStart, StringComparer.Ordinal), [], 0, 0);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var next = MStep(EStep(data, startFor, c, means), kinds, c, iteration + 1);
            var moved = next.M0.Zip(means.M0).Sum(p => Math.Abs(p.First - p.Second)) + Math.Abs(next.L0 - means.L0)
                + kinds.Sum(j => next.M[j].Zip(means.M[j]).Sum(p => Math.Abs(p.First - p.Second)) + Math.Abs(next.L[j] - means.L[j]));
            means = next;
            if (moved < tolerance) break;
        }
        return means;
    }

    /// <summary>
    /// The E-step: each insats's expected true counts (a censored record's given its lower bounds), split over
    /// classes and over keep/θ in proportion to λ_j·s(c) and (1 − λ_j)·m_j(c), and its weight w = N·a/(N + a).
    /// </summary>
    private static List<Part> EStep(IReadOnlyList<InsatsExits> data, Func<InsatsExits, double[]?> startFor, ExitHyper c, Means means)
    {
        var k = OutcomeClasses.Count;
        var parts = new List<Part>();
        foreach (var d in data)
        {
            var j = d.Insats.Kind;
            var (lambda, mj) = (means.L[j], means.M[j]);
            var fallback = startFor(d);
            var x = d.Cells.Select(cell => cell.Count).ToArray();
            if (d.Censored > 0)
            {
                var alpha = d.Cells.Select(cell =>
                {
                    var s = cell.Start ?? fallback;
                    var lam = s is null ? 0 : lambda;
                    return c.A * OutcomeClasses.Members(cell.Mask).Sum(cl => lam * (s?[cl] ?? 0) + (1 - lam) * mj[cl]);
                }).ToArray();
                x = CensoredCounts.Expected(x, d.Censored, alpha);
            }
            double kept = 0;
            var theta = new double[k];
            for (var i = 0; i < d.Cells.Count; i++)
            {
                var s = d.Cells[i].Start ?? fallback;
                var lam = s is null ? 0 : lambda;   // a start of no class keeps nothing
                var members = OutcomeClasses.Members(d.Cells[i].Mask).ToList();
                var total = members.Sum(cl => lam * (s?[cl] ?? 0) + (1 - lam) * mj[cl]);
                if (total <= 0) continue;
                foreach (var cl in members)
                {
                    kept += x[i] * lam * (s?[cl] ?? 0) / total;
                    theta[cl] += x[i] * (1 - lam) * mj[cl] / total;
                }
            }
            var all = kept + theta.Sum();
            var placed = d.Known;
            if (all <= 0 || placed <= 0) { parts.Add(new Part(j, new double[k], 0, 0, 0)); continue; }   // one part per insats, in order
            // What the insats says about its kind: its placed exits, capped by the spread between insatser.
            var nTheta = placed * theta.Sum() / all;
            var wTheta = nTheta * c.A / (nTheta + c.A);
            var thetaSum = theta.Sum();
            var shares = theta.Select(v => thetaSum > 0 ? wTheta * v / thetaSum : 0).ToArray();
            // Only a recorded start (or a cross-table row) tells whether people kept it.
            var informs = d.Start is not null || d.Cells.Any(cell => cell.Row is not null);
            var wKeep = informs ? placed * c.A / (placed + c.A) : 0;
            parts.Add(new Part(j, shares, thetaSum > 0 ? wTheta : 0, wKeep * kept / all, wKeep));
        }
        return parts;
    }

    /// <summary>The M-step: m_0 and λ_0 from all insatser (one pseudo-count at uniform / ½), each kind's pooled toward them with b and b_λ.</summary>
    private static Means MStep(IReadOnlyList<Part> parts, IReadOnlyList<string> kinds, ExitHyper c, int iterations)
    {
        var k = OutcomeClasses.Count;
        var wTotal = parts.Sum(p => p.WTheta);
        var wlTotal = parts.Sum(p => p.WKeep);
        var m0 = new double[k];
        for (var cl = 0; cl < k; cl++) m0[cl] = (parts.Sum(p => p.Theta[cl]) + c.U / k) / (wTotal + c.U);
        // λ_0 is a hyper-parameter (chosen by leave-one-source-out likelihood, 0 = the keep part off), not estimated
        // here: with each kind's own mix free, the likelihood is nearly flat in λ and an EM estimate drifts to its prior.
        var l0 = c.Keep0;
        var m = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var l = new Dictionary<string, double>(StringComparer.Ordinal);
        var w = new Dictionary<string, double>(StringComparer.Ordinal);
        var wl = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var j in kinds)
        {
            var mine = parts.Where(p => p.Kind == j).ToList();
            w[j] = mine.Sum(p => p.WTheta);
            wl[j] = mine.Sum(p => p.WKeep);
            var mj = new double[k];
            for (var cl = 0; cl < k; cl++) mj[cl] = (c.B * m0[cl] + mine.Sum(p => p.Theta[cl])) / (c.B + w[j]);
            m[j] = mj;
            l[j] = (c.BKeep * l0 + mine.Sum(p => p.Keep)) / (c.BKeep + wl[j]);
        }
        return new Means(m0, m, w, wTotal, l0, l, wl, wlTotal, iterations);
    }

    private static double[]? Mean(IEnumerable<double[]> rows)
    {
        double[]? sum = null;
        var n = 0;
        foreach (var r in rows)
        {
            sum ??= new double[r.Length];
            for (var c = 0; c < r.Length; c++) sum[c] += r[c];
            n++;
        }
        return sum?.Select(x => x / n).ToArray();
    }
}
