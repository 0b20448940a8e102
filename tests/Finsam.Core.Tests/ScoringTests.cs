using Finsam.Core.Results;

namespace Finsam.Core.Tests;

/// <summary>The scoring maths against values computed by hand.</summary>
public class ScoringTests
{
    [Fact]
    public void Total_variation_distance_is_half_the_absolute_share_differences()
    {
        // Observed 6/4 → shares 0.6/0.4; forecast 0.5/0.5 → ½(0.1 + 0.1) = 0.1.
        Assert.Equal(0.1, Scoring.TotalVariation([6, 4], [0.5, 0.5]), 12);
        Assert.Equal(0.0, Scoring.TotalVariation([2, 2], [0.5, 0.5]), 12);
        Assert.Equal(1.0, Scoring.TotalVariation([5, 0], [0, 1]), 12);
    }

    [Fact]
    public void G_statistic_matches_the_hand_computed_value()
    {
        // O = (30, 10), E = 40 × (0.5, 0.5) = (20, 20):
        // G = 2 (30 ln 1.5 + 10 ln 0.5) = 2 (12.16395 − 6.93147) = 10.46496; df 1; p = 0.001217.
        var (g, df, p) = Scoring.GTest([30, 10], [0.5, 0.5]);
        Assert.Equal(10.46496, g, 4);
        Assert.Equal(1, df);
        Assert.Equal(0.001217, p, 5);
    }

    [Fact]
    public void G_test_is_infinite_when_the_forecast_ruled_out_what_happened()
    {
        var (g, _, p) = Scoring.GTest([3, 1], [1, 0]);
        Assert.True(double.IsPositiveInfinity(g));
        Assert.Equal(0, p);
    }

    [Fact]
    public void Log_score_is_the_mean_log_probability_of_the_observations()
    {
        // (3 ln 0.5 + 1 ln 0.25) / 4 = (−2.07944 − 1.38629) / 4 = −0.86643.
        Assert.Equal(-0.86643, Scoring.LogScore([3, 1, 0], [0.5, 0.25, 0.25]), 5);
    }

    [Fact]
    public void Coverage_is_the_share_of_intervals_that_hold_their_observation()
    {
        Assert.Equal(0.75, Scoring.Coverage([true, true, false, true]));
    }

    [Fact]
    public void Stat_uses_linear_interpolated_quantiles()
    {
        // 1..21: P5 at position 0.05 × 20 = 1 → 2; P50 → 11; P95 → 20.
        var s = Stat.Of(Enumerable.Range(1, 21).Select(i => (double)i))!;
        Assert.Equal(11, s.Mean);
        Assert.Equal(2, s.P5);
        Assert.Equal(11, s.P50);
        Assert.Equal(20, s.P95);
        Assert.True(s.Contains(2) && s.Contains(20) && !s.Contains(1.5));
    }
}
