namespace Finsam.Core.Priors;

/// <summary>A positive quantity's predictive for a new insats: lognormal with this median and log-sd, from this many insatser.</summary>
public sealed record LogNormalPrior(double Median, double Sigma, int Insatser, bool Unknown)
{
    public double Mean => Median * Math.Exp(Sigma * Sigma / 2);
    public double Quantile(double p) => Median * Math.Exp(Sigma * MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, p));
}

/// <summary>
/// Partial pooling of a positive quantity (realised stay, participants per FTE, share of places used) across
/// insatser and kinds on the log scale: log y_k ~ Normal(μ_j, τ²) within kind j, μ_j ~ Normal(μ_0, ω²).
/// τ² is the pooled within-kind variance, ω² the between-kind variance left after the within part (method of
/// moments, never below 0); μ_j is the precision-weighted mean of μ_0 and the kind's own values. A new insats
/// of kind j gets Normal(μ_j, τ² + Var μ_j) on the log scale. With fewer than <see cref="MinimumInsatser"/>
/// values in the whole library the prior is the stated wide fallback, marked unknown.
/// </summary>
public static class LogNormalPool
{
    public const int MinimumInsatser = 3;

    /// <summary>The within-kind log-sd never assumed smaller than this: a handful of insatser cannot show the spread of all.</summary>
    public const double MinimumSigma = 0.25;

    public sealed record Fit(double Mu0, double Tau2, double Omega2, IReadOnlyDictionary<string, (double Sum, int N)> Kinds, int Total, LogNormalPrior Fallback)
    {
        public LogNormalPrior Predictive(string? kind)
        {
            if (Total < MinimumInsatser) return Fallback;
            var (sum, n) = kind is not null && Kinds.TryGetValue(kind, out var k) ? k : (0.0, 0);
            // Precision-weighted kind mean; Var μ_0 ≈ (τ² + ω²)/Total is added to the prior on μ_j.
            var priorVar = Omega2 + (Tau2 + Omega2) / Total;
            var precision = 1 / priorVar + n / Tau2;
            var mu = (Mu0 / priorVar + sum / Tau2) / precision;
            var sigma = Math.Sqrt(Tau2 + 1 / precision);
            return new LogNormalPrior(Math.Exp(mu), sigma, n, false);
        }
    }

    public static Fit Estimate(IEnumerable<(string Kind, double Value)> values, LogNormalPrior fallback)
    {
        var data = values.Where(v => v.Value > 0 && double.IsFinite(v.Value)).Select(v => (v.Kind, Y: Math.Log(v.Value))).ToList();
        var kinds = data.GroupBy(d => d.Kind, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Sum: g.Sum(d => d.Y), N: g.Count()), StringComparer.Ordinal);
        if (data.Count == 0) return new Fit(Math.Log(fallback.Median), fallback.Sigma * fallback.Sigma, 0, kinds, 0, fallback);
        var mu0 = data.Average(d => d.Y);
        // Within-kind variance from kinds with at least two insatser; else the total variance.
        double within = 0;
        var df = 0;
        foreach (var g in data.GroupBy(d => d.Kind, StringComparer.Ordinal))
        {
            var m = g.Average(d => d.Y);
            within += g.Sum(d => (d.Y - m) * (d.Y - m));
            df += g.Count() - 1;
        }
        var total = data.Count > 1 ? data.Sum(d => (d.Y - mu0) * (d.Y - mu0)) / (data.Count - 1) : fallback.Sigma * fallback.Sigma;
        var tau2 = df >= 2 ? within / df : total;
        tau2 = Math.Max(tau2, MinimumSigma * MinimumSigma);
        var kindMeans = kinds.Values.Select(k => (Mean: k.Sum / k.N, k.N)).ToList();
        double omega2 = 0;
        if (kindMeans.Count > 1)
        {
            var between = kindMeans.Sum(k => (k.Mean - mu0) * (k.Mean - mu0)) / (kindMeans.Count - 1);
            var meanInv = kindMeans.Average(k => 1.0 / k.N);
            omega2 = Math.Max(0, between - tau2 * meanInv);
        }
        return new Fit(mu0, tau2, omega2, kinds, data.Count, fallback);
    }
}
