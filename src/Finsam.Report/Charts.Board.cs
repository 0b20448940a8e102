using Finsam.Core.Results;
using ScottPlot;

namespace Finsam.Report;

public static partial class Charts
{
    /// <summary>Horizontal bars with 90 % whiskers where higher is better: green for a gain, red for a loss.</summary>
    public static string GainBars(string title, IReadOnlyList<string> labels, IReadOnlyList<Stat> values, string xLabel, string unit, Numbers n) =>
        Bars(title, labels, values, xLabel, unit, n, higherIsBetter: true);

    /// <summary>
    /// A tornado chart: each input's share of a figure's variance as a bar, largest at the top, and the rest
    /// (interactions, mixes, each person's own chance) as a grey bar at the bottom. Shares in per cent.
    /// </summary>
    public static string Tornado(string title, IReadOnlyList<string> inputs, IReadOnlyList<double> shares, string restLabel, double rest, string xLabel)
    {
        var plot = NewPlot(title, "");
        plot.XLabel(xLabel, size: 12);
        var labels = inputs.Append(restLabel).ToList();
        var values = shares.Append(rest).ToList();
        var count = labels.Count;
        double Pos(int i) => count - 1 - i;
        var bars = Enumerable.Range(0, count).Select(i => new Bar
        {
            Position = Pos(i), Value = values[i] * 100, LineWidth = 0,
            FillColor = Color.FromHex(i == count - 1 ? Grey : Blue).WithAlpha(i == count - 1 ? 0.45 : 0.8),
        }).ToList();
        plot.Add.Bars(bars).Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, count).Select(Pos).ToArray(), labels.Select(TailShorten).ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsX(0, 100);
        plot.Axes.Margins(0, 0.05);
        return Svg(plot, title);
    }

    /// <summary>Field paths are most telling at their end ("…[samordnare].duration.mean").</summary>
    private static string TailShorten(string s) => s.Length <= 30 ? s : "…" + s[^29..];
}
