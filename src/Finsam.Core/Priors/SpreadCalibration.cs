using MathNet.Numerics;

namespace Finsam.Core.Priors;

/// <summary>
/// Recalibrates the spread of the exit predictive inside the data given (docs/validation.md §4.2). The
/// concentrations are chosen by likelihood, but the one-step leave-one-source-out refit they are chosen with
/// lets a source's own counts shape how grouped and censored counts are split, and a handful of sources
/// cannot show how unlike the next one will be; both make the intervals too narrow. So each source is held
/// out once more, the model refitted without it at the chosen concentrations (full EM), and every cell of its
/// complete records checked against the Beta-binomial 90 % interval of the predictive at the recorded n,
/// with the predictive concentration multiplied by κ. κ is the largest value on <see cref="Grid"/> whose
/// intervals hold at least 90 % of those cells (the nominal level, fixed in advance); if none does, the
/// smallest. Only the spread changes, never the mean, and nothing outside the data given is seen.
/// </summary>
public static class SpreadCalibration
{
    /// <summary>κ from 1/64 to 2 in steps of √2.</summary>
    public static readonly double[] Grid = Enumerable.Range(-12, 15).Select(i => Math.Pow(2, i / 2.0)).ToArray();
    public const double Level = 0.90;

    /// <param name="without">The model fitted without one source, at the chosen concentrations.</param>
    public static (double Scale, (int Inside, int Cells) Coverage) Choose(IReadOnlyList<InsatsExits> data, Func<string, ExitPriorFit> without)
    {
        var tests = new List<(double[] Mean, double Concentration, double[] Observed, int[] Row)>();
        foreach (var source in data.Select(d => d.Insats.SourceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var held = data.Where(d => d.Insats.SourceId == source && d.Scorable).ToList();
            if (held.Count == 0) continue;
            var fit = without(source);
            foreach (var d in held)
            {
                var (mean, rows) = CellMean(d, fit);
                tests.Add((mean, fit.Theta.Predictive(d.Insats.Kind).Concentration, d.Cells.Select(c => c.Count).ToArray(), rows));
            }
        }
        var results = Grid.Select(k => (Scale: k, Coverage: Coverage(tests, k))).ToList();
        if (results.All(r => r.Coverage.Cells == 0)) return (1, (0, 0));
        var ok = results.Where(r => r.Coverage.Inside >= Level * r.Coverage.Cells).ToList();
        return ok.Count > 0 ? ok.MaxBy(r => r.Scale) : results[0];
    }

    /// <summary>The predictive mean in the record's cells (each cross-table row keeps its recorded mass) and each cell's row number.</summary>
    public static (double[] Mean, int[] Row) CellMean(InsatsExits d, ExitPriorFit fit)
    {
        var start = d.Start ?? fit.StartOf(d.Insats.Kind);
        var rowNames = d.Cells.Select(c => c.Row).Distinct().ToList();
        var row = d.Cells.Select(c => rowNames.IndexOf(c.Row)).ToArray();
        var known = d.Known;
        var mean = new double[d.Cells.Count];
        foreach (var r in Enumerable.Range(0, rowNames.Count))
        {
            var cells = Enumerable.Range(0, d.Cells.Count).Where(i => row[i] == r).ToList();
            var rowShare = rowNames[r] is null ? 1 : cells.Sum(i => d.Cells[i].Count) / known;
            var raw = cells.Select(i => OutcomeClasses.Members(d.Cells[i].Mask).Sum(c => fit.MeanExit(d.Insats.Kind, d.Cells[i].Start ?? start)[c])).ToArray();
            var t = raw.Sum();
            for (var j = 0; j < cells.Count; j++) mean[cells[j]] = rowShare * (t > 0 ? raw[j] / t : 1.0 / cells.Count);
        }
        return (mean, row);
    }

    private static (int Inside, int Cells) Coverage(List<(double[] Mean, double Concentration, double[] Observed, int[] Row)> tests, double scale)
    {
        int inside = 0, cells = 0;
        foreach (var (mean, conc, observed, row) in tests)
            for (var i = 0; i < observed.Length; i++)
            {
                var inRow = Enumerable.Range(0, observed.Length).Where(j => row[j] == row[i]).ToList();
                var n = (int)Math.Round(inRow.Sum(j => observed[j]));
                var mass = inRow.Sum(j => mean[j]);
                var p = mass > 0 ? mean[i] / mass : 0;
                var (lo, hi) = Interval(n, Math.Max(1e-3, scale * conc), p);
                if (observed[i] == 0 && hi == 0) continue;   // nothing recorded and nothing forecast: not a test
                cells++;
                if (observed[i] >= lo - 1e-9 && observed[i] <= hi + 1e-9) inside++;
            }
        return (inside, cells);
    }

    /// <summary>P5 and P95 of a cell's count: Beta-binomial(n, C·p, C·(1 − p)), the margin of the Dirichlet–multinomial.</summary>
    public static (int Low, int High) Interval(int n, double concentration, double p)
    {
        if (p <= 1e-12) return (0, 0);
        if (p >= 1 - 1e-12) return (n, n);
        double a = concentration * p, b = concentration * (1 - p);
        var cdf = 0.0;
        int? low = null;
        for (var k = 0; k <= n; k++)
        {
            cdf += Math.Exp(SpecialFunctions.BinomialLn(n, k) + SpecialFunctions.BetaLn(k + a, n - k + b) - SpecialFunctions.BetaLn(a, b));
            if (low is null && cdf >= 0.05) low = k;
            if (cdf >= 0.95) return (low ?? k, k);
        }
        return (low ?? n, n);
    }
}
