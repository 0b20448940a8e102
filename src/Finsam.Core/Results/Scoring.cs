using MathNet.Numerics.Distributions;

namespace Finsam.Core.Results;

/// <summary>Goodness-of-fit measures between an observed count distribution and forecast shares.</summary>
public static class Scoring
{
    /// <summary>Total variation distance: half the sum of absolute differences between two share vectors (0 = same, 1 = disjoint).</summary>
    public static double TotalVariation(IReadOnlyList<double> observedCounts, IReadOnlyList<double> forecastShares)
    {
        var n = observedCounts.Sum();
        if (n <= 0) throw new ArgumentException("observed counts sum to 0");
        var d = 0.0;
        for (var k = 0; k < observedCounts.Count; k++) d += Math.Abs(observedCounts[k] / n - forecastShares[k]);
        return d / 2;
    }

    /// <summary>
    /// The G statistic 2 Σ O ln(O/E) with E = N × forecast share, its degrees of freedom (categories
    /// with E &gt; 0, minus one) and the chi-square p-value. A category observed but forecast impossible
    /// makes G infinite (p = 0): the forecast ruled out what happened.
    /// </summary>
    public static (double G, int Df, double PValue) GTest(IReadOnlyList<double> observedCounts, IReadOnlyList<double> forecastShares)
    {
        var n = observedCounts.Sum();
        var g = 0.0;
        var categories = 0;
        for (var k = 0; k < observedCounts.Count; k++)
        {
            var e = n * forecastShares[k];
            if (e <= 0)
            {
                if (observedCounts[k] > 0) return (double.PositiveInfinity, Math.Max(1, observedCounts.Count - 1), 0);
                continue;
            }
            categories++;
            if (observedCounts[k] > 0) g += observedCounts[k] * Math.Log(observedCounts[k] / e);
        }
        g *= 2;
        var df = Math.Max(1, categories - 1);
        return (g, df, 1 - ChiSquared.CDF(df, Math.Max(0, g)));
    }

    /// <summary>
    /// Mean log score per observation: Σ O ln(p) / N with the forecast shares floored at <paramref name="floor"/>
    /// (higher is better; 0 would be a certain, correct forecast).
    /// </summary>
    public static double LogScore(IReadOnlyList<double> observedCounts, IReadOnlyList<double> forecastShares, double floor = 1e-4)
    {
        var n = observedCounts.Sum();
        var s = 0.0;
        for (var k = 0; k < observedCounts.Count; k++)
            if (observedCounts[k] > 0) s += observedCounts[k] * Math.Log(Math.Max(floor, forecastShares[k]));
        return s / n;
    }

    /// <summary>Share of intervals that contain their observation.</summary>
    public static double Coverage(IEnumerable<bool> inside)
    {
        var list = inside.ToList();
        return list.Count == 0 ? double.NaN : list.Count(b => b) / (double)list.Count;
    }
}
