using System.Collections;
using Finsam.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace Finsam.Core.Analysis;

/// <summary>
/// Which uncertain inputs explain the spread of each headline figure: first-order variance shares
/// (Sobol indices) estimated from the Monte Carlo output itself. See docs/economics.md, "Which assumption decides it".
/// </summary>
public sealed record SensitivityResult(
    string Method, int Replicates, int Bins, double SignificanceLevel,
    IReadOnlyList<SensitivityInput> Inputs, IReadOnlyList<FigureSensitivity> Figures);

/// <summary>
/// An uncertain input: its field path (the key its draws are made from) and its distribution. The shares of one
/// drawn mix are dependent (they sum to one), so they carry the mix's key as <see cref="Group"/> and only the
/// share that explains most counts for the mix.
/// </summary>
public sealed record SensitivityInput(string Key, string Distribution, string? Group = null);

/// <summary>
/// One figure: its variance over replicates, each input's share of it (largest first, only inputs whose effect can
/// be told from zero), the share explained by them together, and the rest (interactions and each person's own chance). <see cref="Rescaled"/> says the estimated shares summed above 100 % and were scaled down.
/// </summary>
public sealed record FigureSensitivity(string Figure, string Label, string Unit, int Pairs, double Variance,
    IReadOnlyList<InputShare> Shares, double Explained, double Unexplained, bool Rescaled);

public sealed record InputShare(string Input, double Share, double PValue);

public static class Sensitivity
{
    public const double Alpha = 0.05;
    public const int MinReplicates = 20;
    public const string MethodText =
        "First-order variance shares from the replicates themselves (given-data estimator): the replicates are sorted by an " +
        "input's drawn value and split into equal-count bins; the share of the figure's variance explained by the bin means is " +
        "the correlation ratio, bias-adjusted as omega squared of a one-way analysis of variance. An input whose F test does " +
        "not pass the Benjamini–Hochberg procedure at a 5 % false discovery rate counts as 0. Shares are of independent inputs, so they add up to at most 100 %; the rest is interactions, " +
        "and each person's own chance. A drawn mix (Dirichlet shares) counts once, by the share that explains most.";

    /// <summary>Every uncertain (not fixed) number of a scenario, including its valuation catalog, by field path.</summary>
    public static IReadOnlyList<Param> UncertainParams(Scenario scenario)
    {
        var found = new Dictionary<string, Param>(StringComparer.Ordinal);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Walk(object? o, int depth)
        {
            if (o is null || depth > 12 || o is string || o.GetType().IsPrimitive || o is Distribution || o is Mix) return;
            if (o.GetType().IsValueType && o is not IEnumerable) return;
            if (!seen.Add(o)) return;
            if (o is Param p)
            {
                if (!p.Dist.IsFixed) found.TryAdd(p.Key, p);
                return;
            }
            if (o is IDictionary dict)
            {
                foreach (var v in dict.Values) Walk(v, depth + 1);
                return;
            }
            if (o is IEnumerable list)
            {
                foreach (var v in list) Walk(v, depth + 1);
                return;
            }
            foreach (var prop in o.GetType().GetProperties())
                if (prop.GetIndexParameters().Length == 0 && prop.PropertyType != typeof(string) && !prop.PropertyType.IsPrimitive)
                    Walk(prop.GetValue(o), depth + 1);
        }
        Walk(scenario, 0);
        return found.Values.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every mix a scenario draws per replicate (a Dirichlet), by key.</summary>
    public static IReadOnlyList<Mix> DrawnMixes(Scenario scenario)
    {
        var found = new Dictionary<string, Mix>(StringComparer.Ordinal);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Walk(object? o, int depth)
        {
            if (o is null || depth > 12 || o is string || o is Param || o is Distribution || o.GetType().IsPrimitive) return;
            if (o.GetType().IsValueType && o is not IEnumerable) return;
            if (!seen.Add(o)) return;
            if (o is Mix m)
            {
                if (m.IsDirichlet) found.TryAdd(m.Key, m);
                return;
            }
            if (o is IDictionary dict) { foreach (var v in dict.Values) Walk(v, depth + 1); return; }
            if (o is IEnumerable list) { foreach (var v in list) Walk(v, depth + 1); return; }
            foreach (var prop in o.GetType().GetProperties())
                if (prop.GetIndexParameters().Length == 0 && prop.PropertyType != typeof(string) && !prop.PropertyType.IsPrimitive)
                    Walk(prop.GetValue(o), depth + 1);
        }
        Walk(scenario, 0);
        return found.Values.OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Equal-count bins for n replicates: about the cube root of n (6 for 200), between 2 and 20. Few wide bins
    /// keep the test's power for the smooth, mostly monotone effects a scenario's inputs have.
    /// </summary>
    public static int BinsFor(int n) => Math.Clamp((int)Math.Round(Math.Cbrt(n)), 2, 20);

    /// <summary>
    /// The analysis. <paramref name="inputs"/>: each input's value per replicate (same order as <paramref name="figures"/>);
    /// <paramref name="figures"/>: per replicate, each figure's value (null or non-finite where it has none).
    /// Null when there are fewer than <see cref="MinReplicates"/> replicates.
    /// </summary>
    public static SensitivityResult? Analyse(
        IReadOnlyList<(SensitivityInput Input, double[] Values)> inputs,
        IReadOnlyList<(string Key, string Label, string Unit)> definitions,
        IReadOnlyList<IReadOnlyDictionary<string, double?>> figures) =>
        Analyse(inputs.Select(i => i.Input).ToList(), (i, into) => inputs[i].Values.CopyTo(into, 0), definitions,
            key => figures.Select(f => f.GetValueOrDefault(key) ?? double.NaN).ToArray(), figures.Count);

    /// <summary>
    /// The analysis, one column at a time: <paramref name="inputValues"/>(i, into) writes input i's value per replicate
    /// into a buffer and <paramref name="figureValues"/>(key) gives a figure's (NaN or non-finite where it has none), both
    /// in the same replicate order. Each input is drawn and sorted once into buffers reused for the next, so memory holds
    /// the figures' columns and one input's, whatever the number of inputs.
    /// </summary>
    public static SensitivityResult? Analyse(
        IReadOnlyList<SensitivityInput> inputs, Action<int, double[]> inputValues,
        IReadOnlyList<(string Key, string Label, string Unit)> definitions, Func<string, double[]> figureValues, int n)
    {
        if (n < MinReplicates) return null;
        // The figures that vary, with the replicates where they have a value (null: all of them).
        var figures = new List<(int Definition, int[]? Rows, double[] Y, double[]? X, double Sst, List<InputShare> Tested)>();
        for (var d = 0; d < definitions.Count; d++)
        {
            var column = figureValues(definitions[d].Key);
            var finite = 0;
            foreach (var v in column) if (double.IsFinite(v)) finite++;
            if (finite < MinReplicates) continue;
            int[]? rows = null;
            var y = column;
            if (finite < n)
            {
                rows = new int[finite];
                y = new double[finite];
                for (int k = 0, j = 0; k < n; k++)
                    if (double.IsFinite(column[k])) { rows[j] = k; y[j++] = column[k]; }
            }
            var mean = y.Average();
            var sst = 0.0;
            foreach (var v in y) sst += (v - mean) * (v - mean);
            if (sst <= 1e-12 * Math.Max(1, mean * mean) * y.Length) continue; // the figure does not vary: nothing to explain
            figures.Add((d, rows, y, rows is null ? null : new double[rows.Length], sst, []));
        }

        var values = new double[n];
        var fullOrder = new int[n];
        for (var i = 0; i < inputs.Count; i++)
        {
            inputValues(i, values);
            var sorted = false;   // sorted once; a figure with a value in every replicate (the usual case) reuses it
            foreach (var (_, rows, y, picked, _, tested) in figures)
            {
                if (rows is not null)
                    for (var k = 0; k < rows.Length; k++) picked![k] = values[rows[k]];
                var x = picked ?? values;
                if (x.Max() - x.Min() <= 0) continue;
                if (rows is null && !sorted) { OrderOf(values, fullOrder); sorted = true; }
                var (share, p) = Share(x, y, BinsFor(y.Length), rows is null ? fullOrder : null);
                tested.Add(new InputShare(inputs[i].Key, share, p));
            }
        }

        var groupOf = inputs.ToDictionary(i => i.Key, i => i.Group ?? i.Key, StringComparer.Ordinal);
        var result = new List<FigureSensitivity>();
        foreach (var (d, _, y, _, sst, tested) in figures)
        {
            var (key, label, unit) = definitions[d];
            // A drawn mix is one input: its best share stands for it, its p-value Bonferroni-corrected for the
            // number of shares tried. Dozens of inputs are then tested per figure: Benjamini–Hochberg keeps the
            // expected share of chance findings among the inputs kept at 5 %, instead of 5 % of every input tested.
            var candidates = tested.GroupBy(t => groupOf[t.Input]).Select(g =>
            {
                var best = g.MaxBy(t => t.Share)!;
                return best with { PValue = Math.Min(1, g.Min(t => t.PValue) * g.Count()) };
            }).ToList();
            var kept = BenjaminiHochberg(candidates.Select(t => t.PValue).ToArray(), Alpha);
            var shares = candidates.Where((t, i) => kept[i] && t.Share > 0).ToList();
            var total = shares.Sum(s => s.Share);
            var rescaled = total > 1;
            if (rescaled) shares = shares.Select(s => s with { Share = s.Share / total }).ToList();
            shares = shares.OrderByDescending(s => s.Share).ThenBy(s => s.Input, StringComparer.Ordinal)
                .Select(s => s with { Share = Results.Stat.Round(s.Share), PValue = Results.Stat.Round(s.PValue) }).ToList();
            var explained = Math.Min(1, shares.Sum(s => s.Share));
            result.Add(new FigureSensitivity(key, label, unit, y.Length, Results.Stat.Round(sst / (y.Length - 1)), shares,
                Results.Stat.Round(explained), Results.Stat.Round(1 - explained), rescaled));
        }
        return new SensitivityResult(MethodText, n, BinsFor(n), Alpha, inputs.ToList(), result);
    }

    /// <summary>The replicates by ascending value, ties by position (the order LINQ's OrderBy().ThenBy() gives), without LINQ.</summary>
    public static int[] OrderOf(double[] x, int[]? order = null)
    {
        order ??= new int[x.Length];
        for (var k = 0; k < order.Length; k++) order[k] = k;
        Array.Sort(order, (a, b) => x[a].CompareTo(x[b]) is var c && c != 0 ? c : a.CompareTo(b));
        return order;
    }

    /// <summary>Which p-values pass the Benjamini–Hochberg step-up procedure at false discovery rate q.</summary>
    public static bool[] BenjaminiHochberg(double[] p, double q)
    {
        var order = Enumerable.Range(0, p.Length).OrderBy(i => p[i]).ToArray();
        var cut = -1;
        for (var k = 0; k < order.Length; k++)
            if (p[order[k]] <= q * (k + 1) / order.Length) cut = k;
        var kept = new bool[p.Length];
        for (var k = 0; k <= cut; k++) kept[order[k]] = true;
        return kept;
    }

    /// <summary>
    /// One input's first-order share of y's variance: ω² of a one-way ANOVA of y over equal-count bins of x, and
    /// the F test's p-value. ω² removes the between-bin variance that chance alone produces (about (B−1)/(n−1)).
    /// </summary>
    public static (double Share, double PValue) Share(double[] x, double[] y, int bins, int[]? order = null)
    {
        var n = x.Length;
        order ??= OrderOf(x);
        var mean = y.Average();
        double ssb = 0, ssw = 0;
        for (var b = 0; b < bins; b++)
        {
            int from = b * n / bins, to = (b + 1) * n / bins;
            if (to <= from) continue;
            var m = 0.0;
            for (var i = from; i < to; i++) m += y[order[i]];
            m /= to - from;
            ssb += (to - from) * (m - mean) * (m - mean);
            for (var i = from; i < to; i++) ssw += (y[order[i]] - m) * (y[order[i]] - m);
        }
        int dfb = bins - 1, dfw = n - bins;
        var msw = ssw / dfw;
        var sst = ssb + ssw;
        var omega = (ssb - dfb * msw) / (sst + msw);
        var f = msw <= 0 ? double.PositiveInfinity : ssb / dfb / msw;
        var p = double.IsPositiveInfinity(f) ? 0 : 1 - FisherSnedecor.CDF(dfb, dfw, f);
        return (Math.Clamp(omega, 0, 1), p);
    }
}
