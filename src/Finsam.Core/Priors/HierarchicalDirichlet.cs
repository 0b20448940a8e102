using MathNet.Numerics;

namespace Finsam.Core.Priors;

/// <summary>One unit's counts over K categories (fractional counts from an EM step are allowed) and its group.</summary>
public sealed record GroupedCounts(string Unit, string Group, double[] Counts)
{
    public double Total => Counts.Sum();
}

/// <summary>
/// A fitted two-level Dirichlet–multinomial: unit shares θ_k ~ Dirichlet(a·m_g) around their group's mean
/// m_g, group means pooled toward the global mean m_0 with strength b. <see cref="Predictive"/> gives a new
/// unit's Dirichlet for a group, carrying both the spread between units and the uncertainty of the mean.
/// </summary>
public sealed record HierarchicalFit(
    double[] GlobalMean, IReadOnlyDictionary<string, double[]> GroupMeans, IReadOnlyDictionary<string, double> GroupWeight,
    double UnitConcentration, double GroupConcentration, double TotalWeight, IReadOnlyList<string> Boundary)
{
    /// <summary>Pseudo-counts of the uniform mix in the global mean (one by default): its uncertainty is 1/(total weight + this + 1).</summary>
    public double GlobalConcentration { get; init; } = 1;

    /// <summary>
    /// A new unit's shares in <paramref name="group"/> (or a group never seen: the global mean) as a Dirichlet
    /// with mean m and concentration c, where Var θ_c = m_c(1 − m_c)/(c + 1) adds the spread between units
    /// (1/(a+1)) and the uncertainty of the mean (1/(B+1), B = b + the group's effective counts).
    /// </summary>
    public (double[] Mean, double Concentration) Predictive(string? group)
    {
        var a = UnitConcentration;
        double meanVar;   // the variance factor of the group mean itself
        double[] mean;
        if (group is not null && GroupMeans.TryGetValue(group, out var m))
        {
            mean = m;
            meanVar = 1 / (GroupConcentration + GroupWeight[group] + 1);
        }
        else
        {
            mean = GlobalMean;
            var b = GroupConcentration;
            meanVar = 1 / (b + 1) + b / (b + 1) / (TotalWeight + GlobalConcentration + 1);
        }
        var v = 1 / (a + 1) + a / (a + 1) * meanVar;
        return (mean, Math.Max(1e-3, 1 / v - 1));
    }

    /// <summary>The posterior mean of one unit's shares given its counts: (a·m_g + x)/(a + N).</summary>
    public double[] UnitMean(string group, IReadOnlyList<double> counts)
    {
        var m = GroupMeans.TryGetValue(group, out var gm) ? gm : GlobalMean;
        var n = counts.Sum();
        return m.Select((mc, c) => (UnitConcentration * mc + counts[c]) / (UnitConcentration + n)).ToArray();
    }
}

/// <summary>
/// Empirical-Bayes fit of <see cref="HierarchicalFit"/>. Given the concentrations, each unit's information about
/// its group mean is its effective count w = N·a/(N + a) (a unit cannot say more about its group than the
/// spread between units allows); group means are (b·m_0 + Σ w·p̂)/(b + Σ w); the global mean carries one
/// pseudo-count spread evenly, so no category is ever impossible. The two concentrations (a: units around
/// their group, b: groups around the global mean) maximise the leave-one-out Dirichlet–multinomial likelihood:
/// each unit's counts scored under the predictive for a new unit of its group made from all the other units —
/// the marginal likelihood of the question the priors answer, which a joint mode of a and b would not be (it
/// runs to full or no pooling on data this thin). Searched on a log grid in [<see cref="MinConcentration"/>,
/// <see cref="MaxConcentration"/>] and refined by Nelder–Mead (MathNet); a fit at a bound is named.
/// </summary>
public static class HierarchicalDirichlet
{
    public const double MinConcentration = 0.3;
    public const double MaxConcentration = 2000;

    /// <summary>The log Dirichlet–multinomial likelihood of counts x under Dirichlet(α), without the multinomial coefficient.</summary>
    public static double LogLikelihood(IReadOnlyList<double> x, IReadOnlyList<double> alpha)
    {
        double a = 0, n = 0, sum = 0;
        for (var c = 0; c < x.Count; c++)
        {
            a += alpha[c];
            n += x[c];
            if (x[c] > 0) sum += SpecialFunctions.GammaLn(alpha[c] + x[c]) - SpecialFunctions.GammaLn(alpha[c]);
        }
        return SpecialFunctions.GammaLn(a) - SpecialFunctions.GammaLn(a + n) + sum;
    }

    /// <param name="start">Concentrations to start the refinement from (a previous fit's, inside an EM loop); without it a grid search finds the start.</param>
    public static HierarchicalFit Fit(IReadOnlyList<GroupedCounts> units, int categories, HierarchicalFit? start = null)
    {
        var used = units.Where(u => u.Total > 1e-9).ToList();
        double lo = Math.Log(MinConcentration), hi = Math.Log(MaxConcentration);
        double a, b;
        if (used.Count < 2)
        {
            (a, b) = (10, MaxConcentration);
        }
        else
        {
            double Objective(double la, double lb) => -LeaveOneOut(used, categories, Math.Exp(Math.Clamp(la, lo, hi)), Math.Exp(Math.Clamp(lb, lo, hi)))
                + 1e3 * (Sq(la - Math.Clamp(la, lo, hi)) + Sq(lb - Math.Clamp(lb, lo, hi)));
            double la0, lb0;
            if (start is not null) (la0, lb0) = (Math.Log(start.UnitConcentration), Math.Log(start.GroupConcentration));
            else
            {
                (la0, lb0, var best) = (0.0, 0.0, double.PositiveInfinity);
                for (var i = 0; i <= 12; i++)
                    for (var j = 0; j <= 12; j++)
                    {
                        double x = lo + (hi - lo) * i / 12, y = lo + (hi - lo) * j / 12;
                        var f = Objective(x, y);
                        if (f < best) (la0, lb0, best) = (x, y, f);
                    }
            }
            try
            {
                var (la, lb) = FindMinimum.OfFunction(Objective, la0, lb0, 1e-7, 2000);
                (a, b) = (Math.Exp(Math.Clamp(la, lo, hi)), Math.Exp(Math.Clamp(lb, lo, hi)));
            }
            catch (MathNet.Numerics.Optimization.MaximumIterationsException)
            {
                (a, b) = (Math.Exp(la0), Math.Exp(lb0));
            }
        }
        var groups = used.Select(u => u.Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var (global, means, weights, totalWeight) = Means(used, groups, categories, a, b);
        var boundary = new List<string>();
        void Check(string name, double v)
        {
            if (v <= MinConcentration * 1.01) boundary.Add($"{name} at its lower bound {MinConcentration}");
            if (v >= MaxConcentration * 0.99) boundary.Add($"{name} at its upper bound {MaxConcentration} (no spread seen: full pooling)");
        }
        Check("insats concentration", a);
        Check("kind concentration", b);
        return new HierarchicalFit(global, means, weights, a, b, totalWeight, boundary);
    }

    /// <summary>Σ over units of the log-likelihood of its counts under the predictive made from all other units.</summary>
    public static double LeaveOneOut(IReadOnlyList<GroupedCounts> units, int k, double a, double b)
    {
        var total = 0.0;
        for (var i = 0; i < units.Count; i++)
        {
            var others = units.Where((_, j) => j != i).ToList();
            var groups = others.Select(u => u.Group).Distinct(StringComparer.Ordinal).ToList();
            var (global, means, weights, totalWeight) = Means(others, groups, k, a, b);
            var fit = new HierarchicalFit(global, means, weights, a, b, totalWeight, []);
            var (m, c) = fit.Predictive(units[i].Group);
            total += LogLikelihood(units[i].Counts, Scale(m, c));
        }
        return total;
    }

    private static double Sq(double x) => x * x;

    private static (double[] Global, Dictionary<string, double[]> Means, Dictionary<string, double> Weights, double Total) Means(
        List<GroupedCounts> units, List<string> groups, int k, double a, double b)
    {
        var pooled = new double[k];
        var totalW = 0.0;
        foreach (var g in groups)
        {
            var x = Effective(units.Where(u => u.Group == g), k, a);
            for (var c = 0; c < k; c++) pooled[c] += x[c];
            totalW += x.Sum();
        }
        var global = pooled.Select(p => (p + 1.0 / k) / (totalW + 1)).ToArray();
        var means = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            var x = Effective(units.Where(u => u.Group == g), k, a);
            var w = x.Sum();
            means[g] = global.Select((m, c) => (b * m + x[c]) / (b + w)).ToArray();
            weights[g] = w;
        }
        return (global, means, weights, totalW);
    }

    /// <summary>Σ over units of w·p̂ with w = N·a/(N + a): each unit's effective counts about its group mean.</summary>
    private static double[] Effective(IEnumerable<GroupedCounts> units, int k, double a)
    {
        var x = new double[k];
        foreach (var u in units)
        {
            var n = u.Total;
            if (n <= 0) continue;
            var w = n * a / (n + a);
            for (var c = 0; c < k; c++) x[c] += w * u.Counts[c] / n;
        }
        return x;
    }

    private static double[] Scale(double[] m, double s) => m.Select(x => Math.Max(1e-9, x * s)).ToArray();

    internal static double[] Uniform(int k) => Enumerable.Repeat(1.0 / k, k).ToArray();
}
