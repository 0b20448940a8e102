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
    /// front of <paramref name="values"/> and reordered there (the span's contents are overwritten).
    /// </summary>
    public static Stat? OfInPlace(Span<double> values)
    {
        var n = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        bool integral = true, negativeZero = false;
        for (var k = 0; k < values.Length; k++)
        {
            var v = values[k];
            if (!double.IsFinite(v)) continue;
            values[n++] = v;
            if (v < min) min = v;
            if (v > max) max = v;
            if (v != Math.Floor(v)) integral = false;
            if (v == 0 && double.IsNegative(v)) negativeZero = true;
        }
        if (n == 0) return null;
        var data = values[..n];
        // Counts (whole numbers whose sum stays exact in a double) and constants sum to the same bits in any
        // order, and their quantiles need only the few order statistics R7 reads: found by selection, without
        // sorting. Everything else (a −0 among them too, whose place a sort leaves open) is sorted and summed in
        // sorted order, one value after the other, as Enumerable.Average does. Either way the bytes are those of
        // sorting every value, whatever order the values came in.
        if (!negativeZero && (min == max || integral && Math.Max(Math.Abs(min), Math.Abs(max)) * n < 9007199254740992.0))
        {
            var total = 0.0;
            foreach (var v in data) total += v;
            if (min == max) return new Stat(Round(total / n), Round(min), Round(min), Round(min));
            return new Stat(Round(total / n), Round(R7Select(data, Low)), Round(R7Select(data, 0.5)), Round(R7Select(data, High)));
        }
        data.Sort();
        var sum = 0.0;
        foreach (var v in data) sum += v;
        return new Stat(Round(sum / n), Round(R7(data, Low)), Round(R7(data, 0.5)), Round(R7(data, High)));
    }

    /// <summary>R7 from unsorted data: the two order statistics it interpolates between, by selection (reorders the data).</summary>
    private static double R7Select(Span<double> data, double tau)
    {
        if (data.Length == 1) return data[0];
        var h = (data.Length - 1) * tau + 1d;
        var hf = (int)h;
        int a = Math.Max(hf - 1, 0), b = Math.Min(hf, data.Length - 1);
        var lower = Select(data, a);
        // Everything after position a is now at least the a-th value, so the next one is the least of them.
        var upper = b == a ? lower : Min(data[(a + 1)..]);
        return lower + (h - hf) * (upper - lower);
    }

    private static double Min(ReadOnlySpan<double> data)
    {
        var m = data[0];
        foreach (var v in data) if (v < m) m = v;
        return m;
    }

    /// <summary>The k-th smallest value (from 0), by quickselect with a three-way partition (many equal counts are common).</summary>
    private static double Select(Span<double> a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            double x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi];
            var pivot = Math.Max(Math.Min(x, y), Math.Min(Math.Max(x, y), z));   // median of three
            int lt = lo, i = lo, gt = hi;
            while (i <= gt)
            {
                var v = a[i];
                if (v < pivot) { a[i++] = a[lt]; a[lt++] = v; }
                else if (v > pivot) { a[i] = a[gt]; a[gt--] = v; }
                else i++;
            }
            if (k < lt) hi = lt - 1;
            else if (k > gt) lo = gt + 1;
            else return pivot;
        }
        return a[k];
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
