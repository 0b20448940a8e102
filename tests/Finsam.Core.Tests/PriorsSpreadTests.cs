using Finsam.Core.Evidence;
using Finsam.Core.Loading;
using Finsam.Core.Priors;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Finsam.Core.Tests;

/// <summary>
/// The exit prior's special cases and its spread: without recorded starts the keep part is off (the pooled model),
/// a heavy uniform pull flattens the all-kinds mean, the Beta-binomial interval matches sampling, and the
/// spread recalibration holds its nominal coverage inside the data it was given.
/// </summary>
public sealed class PriorsSpreadTests
{
    private static EvidenceInsats Insats(string source, string id, string kind, double[] exits)
    {
        EvidenceCategory Cat(int c) => new(OutcomeClasses.All[c], new HashSet<string>([OutcomeClasses.Representative[OutcomeClasses.All[c]]]));
        var record = new EvidenceRecord(EvidenceVocabulary.ExitOccupation, "ended", exits.Sum(),
            exits.Select((n, c) => new EvidenceCell(null, Cat(c), n)).ToList(), 0, EvidenceVocabulary.Unknown, null, null, "t", SourcePos.None);
        return new EvidenceInsats(source, id, id, null, kind, [], null, null, [], null, null, null, null, null, [record], SourcePos.None);
    }

    /// <summary>Insatser whose exit shares scatter widely around (0.3, 0.1, 0.2, 0.2, 0.2): one source each.</summary>
    private static List<InsatsExits> Scattered(int count, double concentration, int n, int seed)
    {
        var rng = new MersenneTwister(seed, threadSafe: false);
        double[] mean = [0.3, 0.1, 0.2, 0.2, 0.2];
        var list = new List<EvidenceInsats>();
        for (var i = 0; i < count; i++)
        {
            var p = Dirichlet.Sample(rng, mean.Select(m => m * concentration).ToArray());
            var counts = Multinomial.Sample(rng, p, n).Select(x => (double)x).ToArray();
            list.Add(Insats("s" + i, "i" + i, "samverkansteam", counts));
        }
        return ExitEvidence.From(list).ToList();
    }

    [Fact]
    public void Without_recorded_starts_the_keep_part_is_off_and_the_start_changes_nothing()
    {
        var fit = ExitPriorFitter.Fit(Scattered(8, 20, 40, 1));
        Assert.Equal(0, fit.KeepShare("samverkansteam").Mean, 9);
        var fromWork = fit.MeanExit("samverkansteam", new double[] { 1, 0, 0, 0, 0 });
        var fromSick = fit.MeanExit("samverkansteam", new double[] { 0, 0, 0, 1, 0 });
        Assert.Equal(fromWork, fromSick);
    }

    [Fact]
    public void A_heavy_uniform_pull_flattens_the_all_kinds_mean_and_a_light_one_follows_the_data()
    {
        var data = ExitEvidence.From(Enumerable.Range(0, 4).Select(i => Insats("s" + i, "i" + i, "samverkansteam", [30, 2, 2, 2, 4])).ToList()).ToList();
        // A kind with no evidence takes the all-kinds mean, where the uniform pull u acts.
        var light = ExitPriorFitter.Fit(data, new ExitHyper(8, 8, 8, 1, 0)).MeanExit("arbetstraning", (int?)null);
        var heavy = ExitPriorFitter.Fit(data, new ExitHyper(8, 8, 8, 256, 0)).MeanExit("arbetstraning", (int?)null);
        Assert.True(light[0] > 0.6, $"light pull: arbete {light[0]}");
        Assert.True(heavy[0] < light[0] - 0.2, $"heavy pull: arbete {heavy[0]} against {light[0]}");
        Assert.InRange(heavy[1], 0.1, 0.3);
    }

    [Theory]
    [InlineData(30, 5.0, 0.3)]
    [InlineData(60, 40.0, 0.1)]
    [InlineData(12, 1.5, 0.6)]
    public void The_beta_binomial_interval_matches_sampled_dirichlet_multinomial_cells(int n, double concentration, double p)
    {
        var (lo, hi) = SpreadCalibration.Interval(n, concentration, p);
        var rng = new MersenneTwister(7, threadSafe: false);
        var draws = Enumerable.Range(0, 40000).Select(_ => Binomial.Sample(rng, Beta.Sample(rng, concentration * p, concentration * (1 - p)), n)).Order().ToArray();
        // The first count with at least 5 % (95 %) of the mass at or below it.
        Assert.Equal(draws[(int)Math.Ceiling(0.05 * draws.Length) - 1], lo, 1.0);
        Assert.Equal(draws[(int)Math.Ceiling(0.95 * draws.Length) - 1], hi, 1.0);
        Assert.True(lo < hi);
    }

    [Fact]
    public void The_recalibrated_spread_holds_at_least_ninety_percent_leaving_each_source_out()
    {
        var data = Scattered(10, 6, 50, 3);
        var fit = ExitPriorFitter.Fit(data);
        Assert.NotNull(fit.InnerCoverage);
        var (inside, cells) = fit.InnerCoverage!.Value;
        Assert.True(cells >= 40, $"{cells} cells");
        Assert.True(inside >= SpreadCalibration.Level * cells, $"{inside}/{cells} at κ {fit.SpreadScale}");
        Assert.Contains(fit.SpreadScale, SpreadCalibration.Grid);
        // Only the spread is recalibrated: the mean is that of the chosen concentrations.
        var plain = ExitPriorFitter.Fit(data, new ExitHyper(fit.Theta.UnitConcentration, fit.Theta.GroupConcentration, fit.Keep.GroupConcentration, fit.Theta.GlobalConcentration, fit.Keep.GlobalMean[0]));
        Assert.Equal(plain.MeanExit("samverkansteam", (int?)null), fit.MeanExit("samverkansteam", (int?)null));
        Assert.Equal(fit.SpreadScale * plain.Concentration("samverkansteam"), fit.Concentration("samverkansteam"), 9);
    }
}
