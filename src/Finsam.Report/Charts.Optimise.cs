using ScottPlot;

namespace Finsam.Report;

/// <summary>A point of the frontier chart: spend and objective (means over the search replicates) and how to draw it.</summary>
public sealed record FrontierPoint(string Name, double Spend, double Value, string Role);

public static partial class Charts
{
    /// <summary>
    /// Cost against outcome: every candidate the search tried (grey), the frontier through those no cheaper one beats
    /// (blue line), the plan and the hand-written variants (orange) and the best (green). Spend in Mkr on the x axis.
    /// </summary>
    public static string Frontier(string title, IReadOnlyList<FrontierPoint> points, string xLabel, string yLabel, string unit, Numbers n,
        string candidatesLabel, string frontierLabel, string alternativesLabel, string bestLabel)
    {
        var plot = NewPlot(title, yLabel);
        plot.XLabel(xLabel, size: 12);
        double Y(double v) => unit == "share" ? v * 100 : v;
        void Scatter(IEnumerable<FrontierPoint> ps, string colour, float size, string label, MarkerShape shape)
        {
            var list = ps.ToList();
            if (list.Count == 0) return;
            var s = plot.Add.ScatterPoints(list.Select(p => p.Spend / 1e6).ToArray(), list.Select(p => Y(p.Value)).ToArray(), Color.FromHex(colour));
            s.MarkerSize = size;
            s.MarkerShape = shape;
            s.LegendText = label;
        }
        Scatter(points.Where(p => p.Role == "candidate"), Grey, 5, candidatesLabel, MarkerShape.FilledCircle);
        var front = points.Where(p => p.Role is "frontier" or "best").OrderBy(p => p.Spend).ToList();
        if (front.Count > 1)
        {
            var line = plot.Add.ScatterLine(front.Select(p => p.Spend / 1e6).ToArray(), front.Select(p => Y(p.Value)).ToArray(), Color.FromHex(Blue));
            line.LineWidth = 2;
            line.LegendText = frontierLabel;
        }
        else Scatter(front, Blue, 7, frontierLabel, MarkerShape.FilledCircle);
        Scatter(points.Where(p => p.Role == "alternative"), Orange, 8, alternativesLabel, MarkerShape.FilledDiamond);
        Scatter(points.Where(p => p.Role == "best"), Green, 11, bestLabel, MarkerShape.FilledSquare);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => unit == "share" ? n.Fixed(v, 1) : n.Tick(v, unit) };
        plot.Axes.Margins(0.08, 0.1);
        ShowLegend(plot);
        return Svg(plot, title);
    }
}
