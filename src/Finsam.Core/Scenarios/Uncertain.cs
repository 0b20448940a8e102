using System.Text.Json.Serialization;
using MathNet.Numerics.Distributions;

namespace Finsam.Core.Scenarios;

/// <summary>
/// A number the scenario is unsure of: fixed, or a distribution each replicate draws from.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(FixedValue), "fixed")]
[JsonDerivedType(typeof(BetaValue), "beta")]
[JsonDerivedType(typeof(UniformValue), "uniform")]
[JsonDerivedType(typeof(TriangularValue), "triangular")]
[JsonDerivedType(typeof(TruncatedNormalValue), "normal")]
public abstract record Distribution
{
    public abstract double Mean { get; }
    /// <summary>Smallest and largest value a draw can take (used to check ranges such as probabilities).</summary>
    public abstract double Lower { get; }
    public abstract double Upper { get; }
    public abstract double Draw(Random rnd);
    public virtual bool IsFixed => false;
}

public sealed record FixedValue(double Value) : Distribution
{
    public override double Mean => Value;
    public override double Lower => Value;
    public override double Upper => Value;
    public override double Draw(Random rnd) => Value;
    public override bool IsFixed => true;
    public override string ToString() => Value.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record BetaValue(double A, double B) : Distribution
{
    public override double Mean => A / (A + B);
    public override double Lower => 0;
    public override double Upper => 1;
    public override double Draw(Random rnd) => Beta.Sample(rnd, A, B);
    public override string ToString() => $"beta({A}, {B})";
}

public sealed record UniformValue(double Low, double High) : Distribution
{
    public override double Mean => (Low + High) / 2;
    public override double Lower => Low;
    public override double Upper => High;
    public override double Draw(Random rnd) => Low == High ? Low : ContinuousUniform.Sample(rnd, Low, High);
    public override string ToString() => $"uniform({Low}, {High})";
}

public sealed record TriangularValue(double Low, double Mode, double High) : Distribution
{
    public override double Mean => (Low + Mode + High) / 3;
    public override double Lower => Low;
    public override double Upper => High;
    public override double Draw(Random rnd) => Low == High ? Low : Triangular.Sample(rnd, Low, High, Mode);
    public override string ToString() => $"triangular({Low}, {Mode}, {High})";
}

/// <summary>Normal truncated to [Low, High], drawn by inversion so a draw costs one uniform.</summary>
public sealed record TruncatedNormalValue(double Mu, double Sd, double Low, double High) : Distribution
{
    public override double Mean
    {
        get
        {
            var a = (Low - Mu) / Sd; var b = (High - Mu) / Sd;
            var z = Normal.CDF(0, 1, b) - Normal.CDF(0, 1, a);
            return z <= 0 ? Math.Clamp(Mu, Low, High) : Mu + Sd * (Normal.PDF(0, 1, a) - Normal.PDF(0, 1, b)) / z;
        }
    }
    public override double Lower => Low;
    public override double Upper => High;

    public override double Draw(Random rnd)
    {
        var pa = double.IsNegativeInfinity(Low) ? 0 : Normal.CDF(Mu, Sd, Low);
        var pb = double.IsPositiveInfinity(High) ? 1 : Normal.CDF(Mu, Sd, High);
        var u = pa + (pb - pa) * rnd.NextDouble();
        return Math.Clamp(Normal.InvCDF(Mu, Sd, u), Low, High);
    }
    public override string ToString() => $"normal(mean {Mu}, sd {Sd}, [{Low}, {High}])";
}

/// <summary>An uncertain scenario number, named by its field path so every replicate draws it from its own stream.</summary>
public sealed record Param(string Key, Distribution Dist)
{
    public static Param Fixed(string key, double value) => new(key, new FixedValue(value));
    public double Mean => Dist.Mean;
    public override string ToString() => Dist.ToString() ?? "";
}

/// <summary>
/// A probability mix over named categories: fixed shares, or a Dirichlet the replicates draw from.
/// </summary>
public sealed record Mix(string Key, IReadOnlyList<string> Categories, IReadOnlyList<double> Weights, bool IsDirichlet)
{
    /// <summary>Expected shares (normalised weights).</summary>
    public double[] MeanShares()
    {
        var total = Weights.Sum();
        return Weights.Select(w => total > 0 ? w / total : 0).ToArray();
    }

    public double[] Draw(Random rnd)
    {
        if (!IsDirichlet) return MeanShares();
        // Categories with zero weight stay impossible; MathNet's Dirichlet needs positive alphas.
        var positive = Weights.Select((w, i) => (w, i)).Where(t => t.w > 0).ToArray();
        var shares = new double[Weights.Count];
        if (positive.Length == 1) { shares[positive[0].i] = 1; return shares; }
        var draw = Dirichlet.Sample(rnd, positive.Select(t => t.w).ToArray());
        for (var k = 0; k < positive.Length; k++) shares[positive[k].i] = draw[k];
        return shares;
    }

    public double ShareOf(string category)
    {
        var shares = MeanShares();
        for (var i = 0; i < Categories.Count; i++)
            if (Categories[i] == category) return shares[i];
        return 0;
    }
}
