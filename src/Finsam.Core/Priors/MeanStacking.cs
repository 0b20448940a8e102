using Finsam.Core.Results;

namespace Finsam.Core.Priors;

/// <summary>
/// Stacks the exit model's kind means with the pooled exits of all insatser (docs/validation.md §5.5): the
/// forecast mean is ω·m_j + (1 − ω)·pooled, so the "pooled all" baseline (ω = 0) and the hierarchical model alone
/// (ω = 1) are both inside the model. The kind level earns its weight only where it forecast better for a source
/// it did not see: ω is the value on <see cref="Grid"/> with the lowest mean total variation distance over the
/// complete records of each source in the data given, forecast by the model refitted without that source — the
/// measure the forecast mean is judged by, inside the training data only. Of equal scores the first (nearer the
/// kind means) stands. The spread is recalibrated afterwards for the stacked mean (<see cref="SpreadCalibration"/>).
/// </summary>
public static class MeanStacking
{
    /// <summary>ω from 1 (kind means alone) to 0 (pooled all) in steps of 0.1.</summary>
    public static readonly double[] Grid = Enumerable.Range(0, 11).Select(i => (10 - i) / 10.0).ToArray();

    /// <summary>Leave-one-source-out mean TVD over <paramref name="Records"/> complete records: at the chosen ω, of the kind means alone (ω = 1) and of pooled all (ω = 0).</summary>
    public sealed record Score(int Records, double Chosen, double KindMeans, double PooledAll);

    /// <param name="without">For each source with a complete record: the model fitted without it, its <see cref="ExitPriorFit.Pooled"/> set.</param>
    public static (double Weight, Score? Score) Choose(IReadOnlyList<InsatsExits> data, IReadOnlyDictionary<string, ExitPriorFit> without)
    {
        var tests = new List<(InsatsExits Record, ExitPriorFit Fit)>();
        foreach (var source in without.Keys.Order(StringComparer.Ordinal))
            tests.AddRange(data.Where(d => d.Insats.SourceId == source && d.Scorable).Select(d => (d, without[source])));
        if (tests.Count == 0 || tests.Any(t => t.Fit.Pooled is null)) return (1, null);
        var scores = Grid.ToDictionary(w => w, w => tests.Average(t =>
            Scoring.TotalVariation(t.Record.Cells.Select(c => c.Count).ToArray(), SpreadCalibration.CellMean(t.Record, t.Fit with { KindWeight = w }).Mean)));
        var best = Grid.MinBy(w => scores[w]);
        return (best, new Score(tests.Count, scores[best], scores[1.0], scores[0.0]));
    }
}
