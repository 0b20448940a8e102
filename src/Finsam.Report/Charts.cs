using System.Text.RegularExpressions;
using Finsam.Core.Results;
using ScottPlot;

namespace Finsam.Report;

/// <summary>A line with its P5–P95 band, over the months of the horizon.</summary>
public sealed record Band(string Name, IReadOnlyList<Stat?> Values, string Colour, bool Dashed = false, bool ShowBand = true);

/// <summary>
/// Charts drawn with ScottPlot and exported as SVG for inlining in the report. The SVG is cleaned for HTML:
/// no XML declaration or namespaces (an inline SVG needs none), a title for screen readers, a sans-serif font.
/// </summary>
public static partial class Charts
{
    public const int Width = 560, Height = 320;
    private static readonly object Gate = new();

    public static readonly string Blue = "#1f5fa8", Orange = "#d9822b", Red = "#b8322e", Grey = "#555555", Green = "#2e7d32";

    /// <summary>Fan chart: each series as its mean line and a shaded P5–P95 band.</summary>
    public static string Fan(string title, IReadOnlyList<string> monthLabels, IReadOnlyList<Band> series, string yLabel, string unit, Numbers n, Texts t)
    {
        var plot = NewPlot(title, yLabel);
        var xs = Enumerable.Range(0, monthLabels.Count).Select(i => (double)i).ToArray();
        foreach (var s in series)
        {
            var colour = Color.FromHex(s.Colour);
            // Months without a value (a mean wait with nobody admitted) break the line.
            var idx = Enumerable.Range(0, s.Values.Count).Where(i => s.Values[i] is not null).ToArray();
            if (idx.Length == 0) continue;
            var x = idx.Select(i => xs[i]).ToArray();
            if (s.ShowBand)
            {
                var band = plot.Add.FillY(x, idx.Select(i => s.Values[i]!.P5).ToArray(), idx.Select(i => s.Values[i]!.P95).ToArray());
                band.FillColor = colour.WithAlpha(0.22);
                band.LineWidth = 0;
                band.MarkerSize = 0;
                // The band has no legend entry of its own: the caption says that shaded means the 90 % interval.
            }
            var line = plot.Add.ScatterLine(x, idx.Select(i => s.Values[i]!.Mean).ToArray(), colour);
            line.LineWidth = 2;
            line.LegendText = s.Name;
            if (s.Dashed) line.LinePattern = LinePattern.Dashed;
        }
        MonthTicks(plot, monthLabels);
        ValueTicks(plot, unit, n);
        plot.Axes.Margins(0.02, 0.08);
        if (series.Count > 1) ShowLegend(plot);
        return Svg(plot, title);
    }

    /// <summary>
    /// Horizontal bars with P5–P95 whiskers, one per label, first at the top (the parties' net, for example):
    /// green where the value is good — at or below zero (a cost saved), or at or above it when higher is better.
    /// </summary>
    public static string Bars(string title, IReadOnlyList<string> labels, IReadOnlyList<Stat> values, string xLabel, string unit, Numbers n,
        bool higherIsBetter = false)
    {
        var plot = NewPlot(title, "");
        plot.XLabel(xLabel, size: 12);
        var count = labels.Count;
        double Pos(int i) => count - 1 - i;
        var bars = new List<Bar>();
        for (var i = 0; i < count; i++)
            bars.Add(new Bar
            {
                Position = Pos(i), Value = values[i].Mean,
                FillColor = Color.FromHex((higherIsBetter ? values[i].Mean >= 0 : values[i].Mean <= 0) ? Green : Red).WithAlpha(0.75),
                LineWidth = 0,
            });
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        var err = new ScottPlot.Plottables.ErrorBar(
            values.Select(v => v.Mean).ToList(), Enumerable.Range(0, count).Select(Pos).ToList(),
            values.Select(v => Math.Max(0, v.P95 - v.Mean)).ToList(), values.Select(v => Math.Max(0, v.Mean - v.P5)).ToList(),
            values.Select(_ => 0.0).ToList(), values.Select(_ => 0.0).ToList());
        plot.Add.Plottable(err);
        err.Color = Color.FromHex(Grey);
        err.LineWidth = 1.5f;
        err.CapSize = 6;
        plot.Add.VerticalLine(0, 1, Color.FromHex("#000000"));
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, count).Select(Pos).ToArray(), labels.Select(Shorten).ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => n.Tick(v, unit) };
        plot.Axes.Margins(0.1, 0.05);
        return Svg(plot, title);
    }

    /// <summary>Observed values (red diamonds) against forecast means and 90 % intervals (blue), one per label.</summary>
    public static string Observed(string title, IReadOnlyList<string> labels, IReadOnlyList<Stat> forecast, IReadOnlyList<double> observed,
        string yLabel, string unit, Numbers n, Texts t)
    {
        var plot = NewPlot(title, yLabel);
        var xs = Enumerable.Range(0, labels.Count).Select(i => (double)i).ToList();
        var err = new ScottPlot.Plottables.ErrorBar(xs, forecast.Select(f => f.Mean).ToList(),
            forecast.Select(_ => 0.0).ToList(), forecast.Select(_ => 0.0).ToList(),
            forecast.Select(f => Math.Max(0, f.P95 - f.Mean)).ToList(), forecast.Select(f => Math.Max(0, f.Mean - f.P5)).ToList());
        plot.Add.Plottable(err);
        err.Color = Color.FromHex(Blue);
        err.LineWidth = 2;
        err.CapSize = 8;
        err.LegendText = $"{t.T("Prognos", "Forecast")}: {t.Interval90}";
        var mean = plot.Add.Markers(xs.ToArray(), forecast.Select(f => f.Mean).ToArray(), MarkerShape.FilledCircle, 7, Color.FromHex(Blue));
        mean.LegendText = t.T("Prognos: medelvärde", "Forecast: mean");
        var obs = plot.Add.Markers(xs.ToArray(), observed.ToArray(), MarkerShape.FilledDiamond, 11, Color.FromHex(Red));
        obs.LegendText = t.T("Uppmätt", "Recorded");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs.ToArray(), labels.Select(Shorten).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        ValueTicks(plot, unit, n);
        plot.Axes.Margins(0.08, 0.15);
        ShowLegend(plot);
        return Svg(plot, title);
    }

    private static Plot NewPlot(string title, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        // ScottPlot lays a title out in time that grows faster than its length (one chart: 40 000 characters 9.6 s,
        // 80 000 characters 24 s), so a long insats name made the report take minutes. The drawn title is
        // capped; the full text stays in the SVG's <title> and the caption.
        plot.Title(title.Length <= MaxTitle ? title : title[..(MaxTitle - 1)] + "…", size: 14);
        plot.YLabel(yLabel, size: 12);
        plot.Grid.MajorLineColor = Color.FromHex("#000000").WithAlpha(0.08);
        return plot;
    }

    /// <summary>The legend below the plot, in a row, so it never hides the data.</summary>
    private static void ShowLegend(Plot plot)
    {
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.FontSize = 11;
        plot.Legend.OutlineWidth = 0;
    }

    /// <summary>Year labels at each January (and at the start); quarters too on horizons of two years or less.</summary>
    private static void MonthTicks(Plot plot, IReadOnlyList<string> months)
    {
        var positions = new List<double>();
        var labels = new List<string>();
        var quarters = months.Count <= 24;
        for (var i = 0; i < months.Count; i++)
        {
            var m = months[i];
            var month = m.Length >= 7 ? m[5..7] : "";
            if (i == 0 || month == "01") { positions.Add(i); labels.Add(quarters ? m : m[..4]); }
            else if (quarters && month is "04" or "07" or "10") { positions.Add(i); labels.Add(m); }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions.ToArray(), labels.ToArray());
    }

    private static void ValueTicks(Plot plot, string unit, Numbers n) =>
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => n.Tick(v, unit),
            IntegerTicksOnly = unit is "people",
        };

    private const int MaxTitle = 100;

    private static string Shorten(string s) => s.Length <= 22 ? s : s[..21] + "…";

    /// <summary>Renders and cleans the SVG. ScottPlot's renderer is not documented as thread-safe, so one at a time.</summary>
    private static string Svg(Plot plot, string title)
    {
        string svg;
        lock (Gate) svg = plot.GetSvgXml(Width, Height);
        svg = XmlDeclaration().Replace(svg, "");
        svg = Namespaces().Replace(svg, "");
        // Per-glyph x positions measured with the server's font would misplace letters in the reader's font: keep the first.
        svg = GlyphPositions().Replace(svg, m => $"{m.Groups[1].Value}=\"{m.Groups[2].Value}\"");
        svg = svg.Replace("font-family=\"DejaVu Sans\"", "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\"", StringComparison.Ordinal);
        var open = svg.IndexOf("<svg", StringComparison.Ordinal);
        var close = svg.IndexOf('>', open);
        var head = svg[open..close];
        var viewBox = head.Contains("viewBox", StringComparison.Ordinal) ? "" : $" viewBox=\"0 0 {Width} {Height}\"";
        var escaped = ReportBuilder.Html.Encode(title);
        return svg[..close].Replace("<svg", "<svg role=\"img\" preserveAspectRatio=\"xMidYMid meet\"", StringComparison.Ordinal)
               + viewBox + $"><title>{escaped}</title>" + svg[(close + 1)..];
    }

    [GeneratedRegex(@"<\?xml[^>]*\?>\s*")]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex(@"\s+xmlns(:\w+)?=""[^""]*""")]
    private static partial Regex Namespaces();

    [GeneratedRegex(@"\b(x|y)=""\s*(-?[\d.eE+-]+)\s*(?:,[^""]*)?""")]
    private static partial Regex GlyphPositions();
}
