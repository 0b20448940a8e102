using MathNet.Numerics.Statistics;

namespace Finsam.Core.Results;

/// <summary>
/// A forecast across replicates: mean and the 5th, 50th and 95th percentiles (a 90 % interval).
/// Quantiles follow definition R7 (linear interpolation, as in Excel and NumPy).
/// </summary>
public sealed record Stat(double Mean, double P5, double P50, double P95)
{
    public const double Low = 0.05, High = 0.95;

    /// <summary>Summarises the finite values; null when there are none (e.g. a share with no denominator).</summary>
    public static Stat? Of(IEnumerable<double> values)
    {
        var data = values.Where(double.IsFinite).ToArray();
        return OfInPlace(data);
    }

    /// <summary>
    /// The same as <see cref="Of(IEnumerable{double})"/> without allocating: the finite values are moved to the
    /// front of <paramref name="values"/> and sorted there (the span's contents are overwritten).
    /// </summary>
    public static Stat? OfInPlace(Span<double> values)
    {
        var n = 0;
        for (var k = 0; k < values.Length; k++)
            if (double.IsFinite(values[k])) values[n++] = values[k];
        if (n == 0) return null;
        var data = values[..n];
        data.Sort();
        // Summed in sorted order, one value after the other, as Enumerable.Average does: the bytes do not
        // depend on the order the values came in.
        var sum = 0.0;
        foreach (var v in data) sum += v;
        return new Stat(Round(sum / n), Round(R7(data, Low)), Round(R7(data, 0.5)), Round(R7(data, High)));
    }

    /// <summary>Quantile definition R7 of sorted data (as MathNet's <see cref="SortedArrayStatistics.QuantileCustom(double[], double, QuantileDefinition)"/>).</summary>
    private static double R7(ReadOnlySpan<double> sorted, double tau)
    {
        if (sorted.Length == 1) return sorted[0];
        var h = (sorted.Length - 1) * tau + 1d;
        var hf = (int)h;
        var lower = sorted[Math.Max(hf - 1, 0)];
        var upper = sorted[Math.Min(hf, sorted.Length - 1)];
        return lower + (h - hf) * (upper - lower);
    }

    public static Stat Zero { get; } = new(0, 0, 0, 0);

    public bool Contains(double observed) => observed >= P5 - 1e-9 && observed <= P95 + 1e-9;

    /// <summary>Rounds to 6 significant digits so the JSON and CSV read cleanly and stay byte-stable.</summary>
    public static double Round(double v)
    {
        if (v == 0 || !double.IsFinite(v)) return v;
        var digits = 6 - (int)Math.Floor(Math.Log10(Math.Abs(v))) - 1;
        return digits is >= 0 and <= 15 ? Math.Round(v, digits) : Math.Abs(v) >= 1e6 ? Math.Round(v) : v;
    }
}
