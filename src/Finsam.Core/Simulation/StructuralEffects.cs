using Finsam.Core.Scenarios;

namespace Finsam.Core.Simulation;

/// <summary>
/// A replicate's structural effects: each effect's multipliers drawn once, and its strength in a month
/// (its ramp times the funded share of its structural insats that month). A multiplier v applies as
/// 1 + (v − 1) × strength, so an unfunded or not yet started effect changes nothing.
/// </summary>
internal sealed class StructuralEffects
{
    private readonly ReplicateModel _model;
    private readonly List<DrawnEffect> _effects;

    public StructuralEffects(ReplicateModel model)
    {
        _model = model;
        // In catalog order: multipliers are multiplied in this order, so it is part of the numbers.
        _effects = model.Ix.Structural.SelectMany((k, ki) => k.Effects.Select(e => new DrawnEffect(e, ki, model))).ToList();
        OnBaseline = _effects.Where(e => e.Effect.Transition is not null).ToList();
    }

    /// <summary>The effects on a baseline transition.</summary>
    public IReadOnlyList<DrawnEffect> OnBaseline { get; }

    public double Strength(DrawnEffect e, int m)
    {
        var ix = _model.Ix;
        var k = ix.Structural[e.Structural];
        var start = k.Start is { } st ? ix.MonthOf(st) : int.MinValue / 2;
        var stop = k.Stop is { } sp ? ix.MonthOf(sp) : int.MaxValue;
        if (m < start || m > stop) return 0;
        var ramp = e.Effect.RampMonths <= 0 ? 1 : Math.Min(1, (m - start + 1) / (double)e.Effect.RampMonths);
        return ramp * _model.Budget.StructuralFunded[m, e.Structural];
    }

    /// <summary>The product of the effects on an insats's quantity (<paramref name="pick"/>) in month <paramref name="m"/>.</summary>
    public double Multiplier(int insats, int m, Func<DrawnEffect, double?> pick)
    {
        var mult = 1.0;
        foreach (var e in _effects)
            if (e.Insats == insats && pick(e) is { } v)
                mult *= 1 + (v - 1) * Strength(e, m);
        return mult;
    }

    /// <summary>The effects on an insats's exit destinations in month <paramref name="m"/>, one multiplier per occupation, written into <paramref name="multipliers"/>.</summary>
    public void ExitMultipliers(int insats, int m, Span<double> multipliers)
    {
        multipliers.Fill(1.0);
        foreach (var e in _effects)
            if (e.Insats == insats)
                foreach (var (occ, v) in e.Exits)
                    multipliers[occ] *= 1 + (v - 1) * Strength(e, m);
    }

    /// <summary>An effect with its uncertain multipliers drawn for the replicate.</summary>
    public sealed class DrawnEffect
    {
        public Effect Effect { get; }
        public int Structural { get; }
        public int Insats { get; }
        public double? Capacity { get; }
        public double? Duration { get; }
        public double? Dropout { get; }
        public double? GiveUp { get; }
        public double? Referrals { get; }
        public (int Occupation, double Multiplier)[] Exits { get; }
        public double TransitionMultiplier { get; }

        public DrawnEffect(Effect e, int structural, ReplicateModel m)
        {
            Effect = e;
            Structural = structural;
            Insats = e.Insats is null ? -1 : m.Ix.InsatsIndex(e.Insats);
            double? D(Param? p) => p is null ? null : m.Draw(p);
            Capacity = D(e.Capacity);
            Duration = D(e.Duration);
            Dropout = D(e.Dropout);
            GiveUp = D(e.GiveUp);
            Referrals = D(e.Referrals);
            Exits = e.Exits.Select(kv => (m.Ix.OccupationIndex(kv.Key), m.Draw(kv.Value))).ToArray();
            TransitionMultiplier = e.Transition is null ? 1 : m.Draw(e.Transition);
        }
    }
}
