using Finsam.Core.Results;

namespace Finsam.Core.Analysis;

/// <summary>Which way a figure should move for an alternative to count as better.</summary>
public enum Better { Higher, Lower, Neither }

/// <summary>One alternative to compare: a name ("base", a variant, a file), what it is, and its run.</summary>
public sealed record Alternative(string Name, string? Description, RunSummary Summary);

/// <summary>
/// Alternatives side by side. The first is the reference: every other one is compared with it replicate by
/// replicate. Replicate k of each alternative used the same seed, so the uncertain parameters and every
/// person's random numbers are shared (common random numbers) and the differences are paired.
/// </summary>
public sealed record ComparisonResult(
    ulong Seed, int Replicates, string Reference, string Interval,
    IReadOnlyList<AlternativeInfo> Alternatives,
    IReadOnlyList<FigureComparison> Figures,
    IReadOnlyList<PartyComparison> Parties);

public sealed record AlternativeInfo(string Name, string? Description, string Scenario, string File, string? Variant);

/// <summary>A figure across alternatives, with the direction that counts as better.</summary>
public sealed record FigureComparison(string Key, string Label, string Unit, Better Better, IReadOnlyList<FigureValue> Values);

/// <summary>
/// One alternative's value of a figure (mean and 90 % interval over replicates) and, for every alternative
/// after the first, the paired difference against the first and how often it came out higher, lower or
/// better. Probabilities count strict wins over the <see cref="Pairs"/> replicates where both have a value;
/// ties count for neither side, and when every pair ties (the difference is exactly zero) they are null.
/// </summary>
public sealed record FigureValue(
    string Alternative, Stat? Value, Stat? Difference,
    double? ProbabilityHigher, double? ProbabilityLower, double? ProbabilityBetter, int Pairs);

/// <summary>
/// A party's money under each alternative: contribution, ersättning paid for the referred people, and the
/// net against the counterfactual (contribution + staff in kind + paid − what it would have paid without the
/// förbund's insatser). For a party, less is better on all of them.
/// </summary>
public sealed record PartyComparison(string Party, string Name, string Kind, IReadOnlyList<FigureComparison> Measures);

/// <summary>Compares runs of alternatives. Pure: works on summaries, so a grain or an HTTP endpoint can call it.</summary>
public static class Comparison
{
    /// <summary>
    /// Direction per headline figure. People served, exits to work or studies and self-sufficiency should rise;
    /// waits, costs per outcome and ersättning should fall. Counts that describe the input (referrals), the
    /// world without the förbund, or money that is budgeted anyway (spend) have no better direction.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Better> Directions = new Dictionary<string, Better>(StringComparer.Ordinal)
    {
        ["referred"] = Better.Neither,
        ["served"] = Better.Higher,
        ["work_or_studies"] = Better.Higher,
        ["self_sufficient_12m"] = Better.Higher,
        ["self_sufficient_12m_counterfactual"] = Better.Neither,
        ["self_sufficient_12m_effect"] = Better.Higher,
        ["mean_wait_months"] = Better.Lower,
        ["spend"] = Better.Neither,
        ["cost_per_participant"] = Better.Lower,
        ["cost_per_self_sufficient"] = Better.Lower,
        ["ersattning_paid"] = Better.Lower,
        ["ersattning_counterfactual"] = Better.Neither,
        ["ersattning_difference"] = Better.Lower,
    };

    public static Better DirectionOf(string key) => Directions.GetValueOrDefault(key, Better.Neither);

    /// <summary>More net gain is better for every sector; a shorter payback and a lower cost per person are better; spending has no direction.</summary>
    public static Better EconomicsDirection(string key) => key switch
    {
        "forbund_spend" => Better.Neither,
        "payback_months" or "cost_per_work_or_studies" => Better.Lower,
        _ => Better.Higher,
    };

    /// <summary>The party measures compared, in order: key, label, how to read it from one replicate.</summary>
    public static readonly IReadOnlyList<(string Key, string Label, Func<PartyFigures, double> Pick, Func<PartySummary, Stat> Summary)> PartyMeasures =
    [
        ("contribution", "Contribution to the förbund", p => p.Contribution, s => s.Contribution),
        ("ersattning_paid", "Ersättning paid for the referred people", p => p.Paid, s => s.ErsattningPaid),
        ("ersattning_difference", "Ersättning against the counterfactual (negative = saved)", p => p.Paid - p.CounterfactualPaid, s => s.Difference),
        ("net", "Net: contribution + in kind + ersättning difference (negative = gains)", p => p.Net, s => s.Net),
    ];

    public static ComparisonResult Compare(IReadOnlyList<Alternative> alternatives)
    {
        if (alternatives.Count < 1) throw new ArgumentException("nothing to compare", nameof(alternatives));
        var names = alternatives.Select(a => a.Name).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException($"alternatives need distinct names: {string.Join(", ", names)}", nameof(alternatives));
        var first = alternatives[0].Summary;
        foreach (var a in alternatives.Skip(1))
        {
            if (a.Summary.Run.Seed != first.Run.Seed)
                throw new ArgumentException($"'{a.Name}' ran with seed {a.Summary.Run.Seed} but '{alternatives[0].Name}' with {first.Run.Seed}: differences are paired by replicate and need the same seed", nameof(alternatives));
            if (a.Summary.Run.Replicates != first.Run.Replicates)
                throw new ArgumentException($"'{a.Name}' has {a.Summary.Run.Replicates} replicates but '{alternatives[0].Name}' has {first.Run.Replicates}", nameof(alternatives));
        }

        var figures = first.Headline.Select(h => Figure(h.Key, h.Label, h.Unit, DirectionOf(h.Key), alternatives,
            a => a.Summary.Headline.FirstOrDefault(x => x.Key == h.Key)?.Value,
            r => r.Figures.GetValueOrDefault(h.Key))).ToList();

        // The socio-economic account's figures, when every alternative has one (paired by replicate like the headline).
        if (alternatives.All(a => a.Summary.Economics is not null))
            figures.AddRange(Economics.SocioEconomics.FigureDefinitions.Select(d => Figure(d.Key, d.Label, d.Unit, EconomicsDirection(d.Key), alternatives,
                a => Economics.SocioEconomics.StatOf(a.Summary.Economics!, d.Key),
                r => r.Figures.GetValueOrDefault(d.Key), s => s.Economics!.Replicates)));

        var partyIds = alternatives.SelectMany(a => a.Summary.Parties.Select(p => p.Id)).Distinct(StringComparer.Ordinal).ToList();
        var parties = partyIds.Select(id =>
        {
            var any = alternatives.Select(a => a.Summary.Parties.FirstOrDefault(p => p.Id == id)).First(p => p is not null)!;
            var measures = PartyMeasures.Select(m => Figure(m.Key, m.Label, "SEK", Better.Lower, alternatives,
                a => a.Summary.Parties.FirstOrDefault(p => p.Id == id) is { } ps ? m.Summary(ps) : null,
                r => r.Parties?.FirstOrDefault(p => p.Party == id) is { } pf ? m.Pick(pf) : null)).ToList();
            return new PartyComparison(id, any.Name, any.Kind, measures);
        }).ToList();

        return new ComparisonResult(first.Run.Seed, first.Run.Replicates, alternatives[0].Name, first.Run.Interval,
            alternatives.Select(a => new AlternativeInfo(a.Name, a.Description, a.Summary.Run.Scenario, a.Summary.Run.File, a.Summary.Run.Variant)).ToList(),
            figures, parties);
    }

    private static FigureComparison Figure(string key, string label, string unit, Better better, IReadOnlyList<Alternative> alternatives,
        Func<Alternative, Stat?> summary, Func<ReplicateFigures, double?> perReplicate, Func<RunSummary, IReadOnlyList<ReplicateFigures>>? rows = null)
    {
        rows ??= s => s.Replicates;
        var reference = ByReplicate(rows(alternatives[0].Summary), perReplicate);
        var values = new List<FigureValue>();
        for (var k = 0; k < alternatives.Count; k++)
        {
            var alt = alternatives[k];
            if (k == 0)
            {
                values.Add(new FigureValue(alt.Name, summary(alt), null, null, null, null, reference.Count));
                continue;
            }
            var mine = ByReplicate(rows(alt.Summary), perReplicate);
            var diffs = new List<double>();
            int higher = 0, lower = 0;
            foreach (var (rep, v) in mine)
            {
                if (!reference.TryGetValue(rep, out var r0)) continue;
                var d = v - r0;
                diffs.Add(d);
                if (d > 0) higher++;
                else if (d < 0) lower++;
            }
            var n = diffs.Count;
            // Every pair tied (the alternative did not change this figure): there is no chance to be better or
            // worse to report, so the probabilities are absent rather than a misleading "0 %".
            var allTied = n > 0 && higher == 0 && lower == 0;
            double? pHigher = n == 0 || allTied ? null : Stat.Round(higher / (double)n);
            double? pLower = n == 0 || allTied ? null : Stat.Round(lower / (double)n);
            var pBetter = better switch { Better.Higher => pHigher, Better.Lower => pLower, _ => null };
            values.Add(new FigureValue(alt.Name, summary(alt), Stat.Of(diffs), pHigher, pLower, pBetter, n));
        }
        return new FigureComparison(key, label, unit, better, values);
    }

    /// <summary>Finite per-replicate values of a figure, keyed by replicate number.</summary>
    private static Dictionary<int, double> ByReplicate(IReadOnlyList<ReplicateFigures> replicates, Func<ReplicateFigures, double?> pick)
    {
        var map = new Dictionary<int, double>();
        foreach (var r in replicates)
            if (pick(r) is { } v && double.IsFinite(v)) map[r.Replicate] = v;
        return map;
    }
}
