using Finsam.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace Finsam.Core.Simulation;

/// <summary>A duration distribution with its uncertain parameters drawn, turned into monthly exit hazards.</summary>
internal sealed class DurationDraw(DurationSpec spec, ReplicateModel m)
{
    private readonly double _mean = spec.Mean is null ? 0 : m.Draw(spec.Mean);
    private readonly double _sd = spec.Sd is null ? 0 : m.Draw(spec.Sd);

    /// <summary>
    /// hazard[d] = P(leave after month d | still in at month d), d ≥ 1 months completed.
    /// Continuous distributions are rounded to whole months (at least one), so the stated mean is kept.
    /// A multiplier below 1 (a structural effect) shortens every stay proportionally.
    /// </summary>
    public double[] Hazards(double multiplier, int length)
    {
        var h = new double[length];
        switch (spec.Kind)
        {
            case DurationKind.Geometric:
                Array.Fill(h, 1 / Math.Max(1, _mean * multiplier));
                break;
            case DurationKind.Fixed or DurationKind.Uniform:
                var lo = Math.Max(1, (int)Math.Round(spec.Min * multiplier));
                var hi = Math.Max(lo, (int)Math.Round(spec.Max * multiplier));
                for (var d = 1; d < length; d++)
                    h[d] = d < lo ? 0 : d >= hi ? 1 : 1.0 / (hi - d + 1);
                break;
            default:
                var cdf = Cdf(_mean * multiplier, _sd * multiplier);
                var below = 0.0;   // cdf(d − 0.5): the last month's upper edge, computed once
                for (var d = 1; d < length; d++)
                {
                    var upto = cdf(d + 0.5);
                    var survive = d == 1 ? 1 : 1 - below;
                    var leave = upto - (d == 1 ? 0 : below);
                    h[d] = survive <= 1e-12 ? 1 : Math.Clamp(leave / survive, 0, 1);
                    below = upto;
                }
                break;
        }
        h[0] = h[1];
        return h;
    }

    /// <summary>The continuous distribution with this mean and standard deviation (gamma or log-normal).</summary>
    private Func<double, double> Cdf(double mean, double sd)
    {
        if (spec.Kind == DurationKind.Gamma)
        {
            var shape = mean * mean / (sd * sd);
            var rate = mean / (sd * sd);
            return x => Gamma.CDF(shape, rate, x);
        }
        var sigma2 = Math.Log(1 + sd * sd / (mean * mean));
        var mu = Math.Log(mean) - sigma2 / 2;
        var sigma = Math.Sqrt(sigma2);
        return x => LogNormal.CDF(mu, sigma, x);
    }
}
