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
        if (data.Length == 0) return null;
        Array.Sort(data);
        return new Stat(
            Round(data.Average()),
            Round(SortedArrayStatistics.QuantileCustom(data, Low, QuantileDefinition.R7)),
            Round(SortedArrayStatistics.QuantileCustom(data, 0.5, QuantileDefinition.R7)),
            Round(SortedArrayStatistics.QuantileCustom(data, High, QuantileDefinition.R7)));
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
