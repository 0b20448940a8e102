using Finsam.Core.Scenarios;

namespace Finsam.Core.Calibration;

/// <summary>
/// Replaces uncertain values of a loaded scenario in memory, by field path (the <see cref="Param.Key"/>
/// or <see cref="Mix.Key"/>), keeping the paths and so the random streams: a scenario edited this way
/// draws with the same random numbers as the original (common random numbers), which is what lets an
/// optimiser compare two parameter values without the noise of different draws.
/// </summary>
public static class ScenarioEdit
{
    public static Scenario With(
        Scenario s,
        IReadOnlyDictionary<string, Distribution>? values = null,
        IReadOnlyDictionary<string, Mix>? mixes = null,
        IReadOnlyDictionary<string, ExitModel>? exitModels = null)
    {
        values ??= new Dictionary<string, Distribution>();
        mixes ??= new Dictionary<string, Mix>();
        Param? P(Param? p) => p is not null && values.TryGetValue(p.Key, out var d) ? p with { Dist = d } : p;
        Mix? M(Mix? m) => m is not null && mixes.TryGetValue(m.Key, out var x) ? x with { Key = m.Key } : m;

        return s with
        {
            Insatser = s.Insatser.Select(i => i with
            {
                Places = P(i.Places), Fte = P(i.Fte), Caseload = P(i.Caseload),
                Duration = i.Duration is null ? null : i.Duration with { Mean = P(i.Duration.Mean), Sd = P(i.Duration.Sd) },
                Exits = M(i.Exits),
                Dropout = P(i.Dropout),
                GiveUp = P(i.GiveUp),
                Chains = i.Chains.Select(c => c with { Probability = P(c.Probability)! }).ToList(),
            }).ToList(),
            Referrals = s.Referrals.Select(f => f with { Rate = P(f.Rate) }).ToList(),
            ExitModels = s.ExitModels.Select(e => exitModels is not null && exitModels.TryGetValue(e.Id, out var x) ? x : e).ToList(),
        };
    }

    /// <summary>Adds or replaces an exit model and points an insats at it (used by the backtest).</summary>
    public static Scenario WithExitModel(Scenario s, string insats, ExitModel model) => s with
    {
        ExitModels = s.ExitModels.Where(e => e.Id != model.Id).Append(model).ToList(),
        Insatser = s.Insatser.Select(i => i.Id == insats ? i with { Exits = null, ExitModel = model.Id } : i).ToList(),
    };
}

/// <summary>
/// A calibration step as data: the values it replaces (by field path, see <see cref="ScenarioEdit.With"/>).
/// A cluster runner sends a scenario once and then only these edits per evaluation, so a silo neither
/// reads the whole scenario again nor the client writes it (<see cref="Simulation.IReplicateRunner"/>).
/// </summary>
public sealed record ScenarioEdits(
    IReadOnlyDictionary<string, Distribution> Values,
    IReadOnlyDictionary<string, Mix>? Mixes = null,
    IReadOnlyDictionary<string, ExitModel>? ExitModels = null)
{
    public static ScenarioEdits None { get; } = new(new Dictionary<string, Distribution>());

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => Values.Count == 0 && (Mixes?.Count ?? 0) == 0 && (ExitModels?.Count ?? 0) == 0;

    public Scenario ApplyTo(Scenario s) => IsEmpty ? s : ScenarioEdit.With(s, Values, Mixes, ExitModels);
}

/// <summary>
/// Moving an uncertain number's location while keeping its shape: every distribution is scaled by a
/// factor (a triangular [3, 5, 9] scaled by 0.8 is [2.4, 4, 7.2]), so its relative spread — what the
/// scenario says it does not know — stays as the scenario states it.
/// </summary>
public static class ParamScaling
{
    public static Distribution Scale(Distribution d, double s, double fieldMin = double.NegativeInfinity, double fieldMax = double.PositiveInfinity) => d switch
    {
        FixedValue f => new FixedValue(f.Value * s),
        UniformValue u => new UniformValue(u.Low * s, u.High * s),
        TriangularValue t => new TriangularValue(t.Low * s, t.Mode * s, t.High * s),
        BetaValue b => ScaleBeta(b, s),
        TruncatedNormalValue n => new TruncatedNormalValue(n.Mu * s, n.Sd * s,
            double.IsFinite(n.Low) ? Math.Max(fieldMin, n.Low * s) : n.Low,
            double.IsFinite(n.High) ? Math.Min(fieldMax, n.High * s) : n.High),
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "unknown distribution"),
    };

    /// <summary>A beta keeps its concentration a + b and moves its mean to s × mean.</summary>
    private static BetaValue ScaleBeta(BetaValue b, double s)
    {
        var n = b.A + b.B;
        var mean = Math.Clamp(b.Mean * s, 1e-6, 1 - 1e-6);
        return new BetaValue(mean * n, (1 - mean) * n);
    }

    /// <summary>The scale factors that keep the whole support inside the field's range [min, max].</summary>
    public static (double Min, double Max) Bounds(Distribution d, double fieldMin, double fieldMax)
    {
        double lo = 1e-3, hi = 1e3;
        if (d is BetaValue b) return (lo, Math.Min(hi, 0.99 / b.Mean));
        if (d is TruncatedNormalValue) return (lo, fieldMax < double.PositiveInfinity && d.Mean > 0 ? Math.Min(hi, 0.99 * fieldMax / d.Mean) : hi);
        if (d.Lower > 0 && fieldMin > 0) lo = Math.Max(lo, fieldMin / d.Lower);
        if (d.Upper > 0 && double.IsFinite(fieldMax)) hi = Math.Min(hi, fieldMax / d.Upper);
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>
    /// How far the scenario lets the location move before the fit pays a price: half the log-range of
    /// the stated distribution (a triangular [3, 5, 9] gives ln 3 / 2 ≈ 0.55, so moving its location by a
    /// factor e^0.55 ≈ 1.7 costs as much as one standard deviation); 1 where the range starts at 0.
    /// </summary>
    public static double PriorSigma(Distribution d) =>
        d.Lower > 0 && d.Upper > d.Lower ? Math.Max(0.1, Math.Log(d.Upper / d.Lower) / 2) : 1.0;
}
