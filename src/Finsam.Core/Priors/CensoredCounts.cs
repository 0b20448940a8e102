using MathNet.Numerics;

namespace Finsam.Core.Priors;

/// <summary>
/// A recorded exit distribution over disjoint cells, some of whose people were not placed: cell i holds at
/// least <c>x_i</c> people, and <c>rest</c> more went to any of the cells (the source's <c>Okänt</c>). The true
/// counts are x + d for an unknown split d of the rest (Σ d = rest): a count-censored observation, read the way
/// a report reads ("52 % went to work or studies" — at least 52 %), not as a fair sample of where people went.
/// Under a Dirichlet(α) over the cells (α → ∞ for a fixed share vector) its probability is
/// Σ_d DirMult(x + d | α), a sum over the splits computed cell by cell (forward–backward over the rest placed
/// so far), O(cells · rest²) and O(rest) for two cells.
/// </summary>
public static class CensoredCounts
{
    /// <summary>Concentration standing for a fixed share vector (a point forecast): the Dirichlet–multinomial is then the multinomial.</summary>
    public const double Fixed = 1e7;

    /// <summary>log P(recorded | α): the Dirichlet–multinomial probability of the counts, summed over every split of the rest.</summary>
    public static double LogLikelihood(IReadOnlyList<double> x, double rest, IReadOnlyList<double> alpha)
    {
        var (logZ, _) = Solve(x, rest, alpha, expectations: false);
        var n = x.Sum() + Math.Round(rest);
        var a = alpha.Sum();
        var c = SpecialFunctions.GammaLn(n + 1) + SpecialFunctions.GammaLn(a) - SpecialFunctions.GammaLn(a + n);
        foreach (var ai in alpha) c -= SpecialFunctions.GammaLn(ai);
        return c + logZ;
    }

    /// <summary>The expected true count of each cell given what was recorded: x + E[d | recorded, α].</summary>
    public static double[] Expected(IReadOnlyList<double> x, double rest, IReadOnlyList<double> alpha)
    {
        if (Math.Round(rest) <= 0) return [.. x];
        var (_, d) = Solve(x, rest, alpha, expectations: true);
        return x.Select((xi, i) => xi + d![i]).ToArray();
    }

    /// <summary>
    /// log Σ_d Π_i h_i(x_i + d_i) with h_i(w) = lnΓ(α_i + w) − lnΓ(w + 1), and optionally E[d_i]. Fractional
    /// counts (shares × n) enter as they are; the rest is rounded to whole people.
    /// </summary>
    private static (double LogZ, double[]? D) Solve(IReadOnlyList<double> x, double rest, IReadOnlyList<double> alpha, bool expectations)
    {
        var m = x.Count;
        var r = (int)Math.Max(0, Math.Round(rest));
        // h[i][d] = log term of cell i holding x_i + d people; built by the recurrence lnΓ(z + 1) = lnΓ(z) + ln z.
        var h = new double[m][];
        for (var i = 0; i < m; i++)
        {
            var ai = Math.Max(1e-9, alpha[i]);
            var row = new double[r + 1];
            double g = SpecialFunctions.GammaLn(ai + x[i]), f = SpecialFunctions.GammaLn(x[i] + 1);
            for (var d = 0; d <= r; d++)
            {
                row[d] = g - f;
                g += Math.Log(ai + x[i] + d);
                f += Math.Log(x[i] + d + 1);
            }
            h[i] = row;
        }
        if (r == 0) return (h.Sum(row => row[0]), expectations ? new double[m] : null);
        if (m == 1) return (h[0][r], expectations ? [r] : null);

        // forward[i][e]: log Σ over splits of e extra people among cells 0..i−1.
        var forward = new double[m + 1][];
        forward[0] = Fill(r + 1, double.NegativeInfinity);
        forward[0][0] = 0;
        for (var i = 0; i < m - 1; i++) forward[i + 1] = Convolve(forward[i], h[i], r);
        var logZ = LogSum(Enumerable.Range(0, r + 1).Select(d => forward[m - 1][r - d] + h[m - 1][d]));
        forward[m] = Fill(r + 1, double.NegativeInfinity);
        forward[m][r] = logZ;
        if (!expectations) return (logZ, null);

        // backward[i][e]: log Σ over splits of e extra people among cells i..m−1.
        var backward = new double[m + 1][];
        backward[m] = Fill(r + 1, double.NegativeInfinity);
        backward[m][0] = 0;
        for (var i = m - 1; i >= 1; i--) backward[i] = Convolve(backward[i + 1], h[i], r);

        var expected = new double[m];
        for (var i = 0; i < m; i++)
        {
            double sum = 0;
            if (IsDelta(backward[i + 1]))
            {
                // The later cells take nobody: cell i takes whatever the earlier cells left.
                for (var e = 0; e < r; e++)
                {
                    var lp = forward[i][e] + h[i][r - e] - logZ;
                    if (lp > -745) sum += (r - e) * Math.Exp(lp);
                }
                expected[i] = sum;
                continue;
            }
            var bound = h[i].Max() + backward[i + 1].Max() - logZ;
            for (var e = 0; e <= r; e++)
            {
                // Splits this unlikely add nothing a double can hold.
                if (double.IsNegativeInfinity(forward[i][e]) || forward[i][e] + bound < -40) continue;
                for (var d = 1; d <= r - e; d++)
                {
                    var lp = forward[i][e] + h[i][d] + backward[i + 1][r - e - d] - logZ;
                    if (lp > -745) sum += d * Math.Exp(lp);
                }
            }
            expected[i] = sum;
        }
        return (logZ, expected);
    }

    /// <summary>out[e] = log Σ_{d ≤ e} exp(prev[e − d] + h[d]).</summary>
    private static double[] Convolve(double[] prev, double[] h, int r)
    {
        if (IsDelta(prev)) return (double[])h.Clone();
        var result = new double[r + 1];
        for (var e = 0; e <= r; e++)
        {
            var max = double.NegativeInfinity;
            for (var d = 0; d <= e; d++) max = Math.Max(max, prev[e - d] + h[d]);
            if (double.IsNegativeInfinity(max)) { result[e] = max; continue; }
            double s = 0;
            for (var d = 0; d <= e; d++) s += Math.Exp(prev[e - d] + h[d] - max);
            result[e] = max + Math.Log(s);
        }
        return result;
    }

    /// <summary>Whether a log table holds everything at 0 extra people (nothing placed yet).</summary>
    private static bool IsDelta(double[] t)
    {
        if (t[0] != 0) return false;
        for (var e = 1; e < t.Length; e++) if (!double.IsNegativeInfinity(t[e])) return false;
        return true;
    }

    private static double LogSum(IEnumerable<double> terms)
    {
        var list = terms.ToList();
        var max = list.Max();
        return double.IsNegativeInfinity(max) ? max : max + Math.Log(list.Sum(t => Math.Exp(t - max)));
    }

    private static double[] Fill(int n, double v)
    {
        var a = new double[n];
        Array.Fill(a, v);
        return a;
    }
}
