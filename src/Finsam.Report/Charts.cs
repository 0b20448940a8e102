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
    public const int Width = 560, Height = 300;
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
                band.LegendText = $"{s.Name}: {t.Interval90}";
            }
            var line = plot.Add.ScatterLine(x, idx.Select(i => s.Values[i]!.Mean).ToArray(), colour);
            line.LineWidth = 2;
            line.LegendText = $"{s.Name}: {t.T("medelvärde", "mean")}";
            if (s.Dashed) line.LinePattern = LinePattern.Dashed;
        }
        MonthTicks(plot, monthLabels);
        ValueTicks(plot, unit, n);
        plot.Axes.Margins(0.02, 0.08);
        if (series.Count > 0) ShowLegend(plot);
        return Svg(plot, title);
    }

    /// <summary>Bars with P5–P95 error bars, one per label (the parties' net, for example).</summary>
    public static string Bars(string title, IReadOnlyList<string> labels, IReadOnlyList<Stat> values, string yLabel, string unit, Numbers n)
    {
        var plot = NewPlot(title, yLabel);
        var bars = new List<Bar>();
        for (var i = 0; i < labels.Count; i++)
            bars.Add(new Bar
            {
                Position = i, Value = values[i].Mean,
                FillColor = Color.FromHex(values[i].Mean <= 0 ? Green : Red).WithAlpha(0.75),
                LineWidth = 0,
            });
        plot.Add.Bars(bars);
        var err = new ScottPlot.Plottables.ErrorBar(
            Enumerable.Range(0, labels.Count).Select(i => (double)i).ToList(), values.Select(v => v.Mean).ToList(),
            values.Select(v => 0.0).ToList(), values.Select(v => 0.0).ToList(),
            values.Select(v => Math.Max(0, v.P95 - v.Mean)).ToList(), values.Select(v => Math.Max(0, v.Mean - v.P5)).ToList());
        plot.Add.Plottable(err);
        err.Color = Color.FromHex(Grey);
        err.LineWidth = 1.5f;
        err.CapSize = 6;
        plot.Add.HorizontalLine(0, 1, Color.FromHex("#000000"));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), labels.Select(Shorten).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        ValueTicks(plot, unit, n);
        plot.Axes.Margins(0.05, 0.12);
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
        plot.Title(title, size: 14);
        plot.YLabel(yLabel, size: 12);
        plot.Grid.MajorLineColor = Color.FromHex("#000000").WithAlpha(0.08);
        return plot;
    }

    private static void ShowLegend(Plot plot)
    {
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.Legend.FontSize = 10;
        plot.Legend.BackgroundColor = Color.FromHex("#ffffff").WithAlpha(0.85);
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

    private static string Shorten(string s) => s.Length <= 18 ? s : s[..17] + "…";

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
        var escaped = System.Net.WebUtility.HtmlEncode(title);
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
