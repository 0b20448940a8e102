namespace Finsam.Core.Priors;

/// <summary>
/// The fitted exit model: for an insats of kind j, a person who started in class s leaves to
/// λ·(s itself) + (1 − λ)·θ, with λ ~ Beta around the kind's keep share and θ ~ Dirichlet around the kind's
/// exit mean (both pooled toward all kinds). <see cref="Keep"/> is the two-category fit (keep, not keep);
/// <see cref="Theta"/> the five-class fit of the exits that did not keep their start class.
/// </summary>
public sealed record ExitPriorFit(HierarchicalFit Keep, HierarchicalFit Theta, IReadOnlyDictionary<string, double[]> KindStarts, double[] GlobalStart, int Iterations, int Insatser)
{
    /// <summary>The predictive keep share of a new insats of the kind: Beta(c·λ, c·(1 − λ)).</summary>
    public (double Mean, double Concentration) KeepShare(string? kind)
    {
        var (m, c) = Keep.Predictive(kind);
        return (m[0], c);
    }

    /// <summary>Mean exit shares of a new insats of the kind for people who started in class s (null: start unknown, no keep part).</summary>
    public double[] MeanExit(string? kind, int? startClass)
    {
        var (m, _) = Theta.Predictive(kind);
        var lambda = startClass is null ? 0 : KeepShare(kind).Mean;
        var q = m.Select(x => (1 - lambda) * x).ToArray();
        if (startClass is { } s) q[s] += lambda;
        return q;
    }

    /// <summary>Mean exit shares of a new insats of the kind given its start-class shares (null: the kind's usual starts).</summary>
    public double[] MeanExit(string? kind, double[]? start)
    {
        start ??= StartOf(kind);
        var (m, _) = Theta.Predictive(kind);
        var lambda = KeepShare(kind).Mean;
        return m.Select((x, c) => lambda * start[c] + (1 - lambda) * x).ToArray();
    }

    public double[] StartOf(string? kind) => kind is not null && KindStarts.TryGetValue(kind, out var s) ? s : GlobalStart;

    /// <summary>
    /// The Dirichlet nearest to the mixture λ·δ_s + (1 − λ)·Dirichlet(c·m) for one start class: same mean, and a
    /// concentration C with the same total variance, Σ μ(1 − μ)/(C + 1) = (1 − λ)² Σ m(1 − m)/(c + 1). What a
    /// scenario's exit model row takes (docs/scenario-format.md §9).
    /// </summary>
    public (double[] Mean, double Concentration) RowDirichlet(string? kind, int? startClass)
    {
        var (m, c) = Theta.Predictive(kind);
        var mu = MeanExit(kind, startClass);
        var lambda = startClass is null ? 0 : KeepShare(kind).Mean;
        var target = (1 - lambda) * (1 - lambda) * m.Sum(x => x * (1 - x)) / (c + 1);
        var spread = mu.Sum(x => x * (1 - x));
        var conc = target > 1e-12 ? Math.Max(0.05, spread / target - 1) : HierarchicalDirichlet.MaxConcentration;
        return (mu, Math.Min(conc, HierarchicalDirichlet.MaxConcentration));
    }
}

/// <summary>
/// Fits <see cref="ExitPriorFit"/> by expectation–maximisation over what the evidence hides: which exits kept
/// their start class and, for grouped categories ("to work or studies"), which class inside the group. The
/// E-step splits each cell's count over (keep, class) and (θ, class) in proportion to λ_k·s(c) and
/// (1 − λ_k)·m_j(c) — the kind's mean, not the insats's own θ: with its own θ free, every insats would explain
/// its exits without keeping anyone and λ would not be identified. The M-step refits both hierarchies by
/// empirical Bayes (<see cref="HierarchicalDirichlet"/>) on the expected counts. λ_k is the insats's posterior
/// keep share (its own expected keeps pooled with its kind).
/// </summary>
public static class ExitPriorFitter
{
    public static ExitPriorFit Fit(IReadOnlyList<InsatsExits> data, int maxIterations = 200, double tolerance = 1e-7)
    {
        var k = OutcomeClasses.Count;
        var globalStart = Mean(data.Where(d => d.Start is not null).Select(d => d.Start!)) ?? HierarchicalDirichlet.Uniform(k);
        var kindStarts = data.Where(d => d.Start is not null).GroupBy(d => d.Insats.Kind, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Mean(g.Select(d => d.Start!))!, StringComparer.Ordinal);

        var keep = HierarchicalDirichlet.Fit([], 2);
        var theta = HierarchicalDirichlet.Fit([], k);
        var lambdas = data.Select(_ => 0.3).ToArray();
        var iterations = 0;
        double[][] lastMeans = [];
        for (; iterations < maxIterations; iterations++)
        {
            var keepUnits = new List<GroupedCounts>();
            var thetaUnits = new List<GroupedCounts>();
            for (var i = 0; i < data.Count; i++)
            {
                var d = data[i];
                var m = theta.Predictive(d.Insats.Kind).Mean;
                var fallbackStart = d.Start ?? (kindStarts.TryGetValue(d.Insats.Kind, out var ks) ? ks : globalStart);
                double kept = 0;
                var x = new double[k];
                foreach (var cell in d.Cells)
                {
                    var s = cell.Start ?? fallbackStart;
                    double total = 0;
                    foreach (var c in OutcomeClasses.Members(cell.Mask)) total += lambdas[i] * s[c] + (1 - lambdas[i]) * m[c];
                    if (total <= 0) continue;
                    foreach (var c in OutcomeClasses.Members(cell.Mask))
                    {
                        kept += cell.Count * lambdas[i] * s[c] / total;
                        x[c] += cell.Count * (1 - lambdas[i]) * m[c] / total;
                    }
                }
                keepUnits.Add(new GroupedCounts(d.Insats.Key, d.Insats.Kind, [kept, x.Sum()]));
                thetaUnits.Add(new GroupedCounts(d.Insats.Key, d.Insats.Kind, x));
            }
            // Warm-started from the last fit's concentrations.
            keep = HierarchicalDirichlet.Fit(keepUnits, 2, iterations == 0 ? null : keep);
            theta = HierarchicalDirichlet.Fit(thetaUnits, k, iterations == 0 ? null : theta);
            for (var i = 0; i < data.Count; i++) lambdas[i] = keep.UnitMean(data[i].Insats.Kind, keepUnits[i].Counts)[0];
            var means = theta.GroupMeans.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).Append([.. lambdas]).ToArray();
            var moved = lastMeans.Length == means.Length ? means.Zip(lastMeans).Sum(p => p.First.Zip(p.Second).Sum(q => Math.Abs(q.First - q.Second))) : double.PositiveInfinity;
            lastMeans = means;
            if (moved < tolerance) { iterations++; break; }
        }
        return new ExitPriorFit(keep, theta, kindStarts, globalStart, iterations, data.Count);
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
