using Finsam.Core.Evidence;

namespace Finsam.Core.Priors;

/// <summary>Everything <c>finsam learn</c> fits from an evidence library; <see cref="PriorsWriter"/> writes it as a portable priors file.</summary>
public sealed record LearnedModel(
    ExitPriorFit Exits, HierarchicalFit Dropout, int DropoutInsatser,
    LogNormalPool.Fit Stay, LogNormalPool.Fit Caseload, LogNormalPool.Fit PlacesUsed, LogNormalPool.Fit StartsPerMonth,
    IReadOnlyDictionary<string, LogNormalPool.Fit> Roles,
    IReadOnlyList<string> Kinds, IReadOnlyDictionary<string, (int Insatser, int Sources)> Support, int Sources, int Insatser)
{
    /// <summary>Fewer dropout records than this and the dropout prior is the wide fallback, marked unknown.</summary>
    public const int MinimumDropoutInsatser = 3;

    /// <summary>Dropout share of those who ended, as a Beta (mean, concentration); the wide fallback when the library has too few records.</summary>
    public (double Mean, double Concentration, bool Unknown) DropoutShare(string? kind)
    {
        if (DropoutInsatser < MinimumDropoutInsatser) return (0.25, 4, true);
        var (m, c) = Dropout.Predictive(kind);
        return (m[0], c, false);
    }

    /// <summary>
    /// Monthly dropout probability: with constant hazards, a dropout share d of those who ended and a realised
    /// mean stay T give a monthly dropout hazard d / T. Same concentration as the share.
    /// </summary>
    public (double Mean, double Concentration, bool Unknown) DropoutMonthly(string? kind)
    {
        var (d, c, unknown) = DropoutShare(kind);
        var stay = Stay.Predictive(kind);
        return (Math.Min(0.5, d / Math.Max(1, stay.Mean)), c, unknown || stay.Unknown);
    }
}

/// <summary>
/// <c>finsam learn</c>: fits priors by insats kind from an evidence library (docs/validation.md §4): the exit
/// model (<see cref="ExitPriorFitter"/>), dropout (a two-level Beta–binomial), realised stay, participants per
/// FTE (overall and by role) and the share of places used (<see cref="LogNormalPool"/>).
/// </summary>
public static class Learner
{
    public static readonly LogNormalPrior StayFallback = new(6, 0.7, 0, true);
    public static readonly LogNormalPrior CaseloadFallback = new(10, 0.6, 0, true);
    public static readonly LogNormalPrior PlacesUsedFallback = new(0.8, 0.4, 0, true);
    public static readonly LogNormalPrior StartsPerMonthFallback = new(5, 1.2, 0, true);

    public static LearnedModel Learn(EvidenceLibrary library)
    {
        var insatser = library.Insatser.ToList();
        var exits = ExitPriorFitter.Fit(ExitEvidence.From(insatser));

        var dropoutUnits = new List<GroupedCounts>();
        foreach (var ins in insatser)
            if (ins.Records.Where(r => r.Measure == EvidenceVocabulary.ExitReason && r.SubgroupMembers is null).OrderByDescending(r => r.N).FirstOrDefault() is { } rec)
            {
                // Enders not classed as dropout count as not dropping out: a source that counts dropouts counts all of them.
                var d = rec.Cells.Where(c => c.Category.Name == "dropout").Sum(c => c.Count);
                if (rec.N > 0) dropoutUnits.Add(new GroupedCounts(ins.Key, ins.Kind, [d, rec.N - d]));
            }
        var dropout = HierarchicalDirichlet.Fit(dropoutUnits, 2);

        var stay = LogNormalPool.Estimate(insatser.Select(i => (i.Kind, RealisedStay(i) ?? 0)), StayFallback);
        var caseload = LogNormalPool.Estimate(insatser.Select(i => (i.Kind, Occupancy(i) is { } o && i.TotalFte is { } f ? o / f : 0)), CaseloadFallback);
        var used = LogNormalPool.Estimate(insatser.Select(i => (i.Kind,
            i.Places is { } p && i.Starts is { } s && RealisedStay(i) is { } t && i.PeriodMonths is { } months ? s * t / months / p : 0)), PlacesUsedFallback);
        // Throughput when nothing but the period is known: starts per month of the period.
        var rate = LogNormalPool.Estimate(insatser.Select(i => (i.Kind, i.Starts is { } s && i.PeriodMonths is { } months && months > 0 ? s / months : 0)), StartsPerMonthFallback);
        var roles = insatser.SelectMany(i => i.Staffing.Select(s => (Role: s.Role.ToLowerInvariant(), Value: Occupancy(i) is { } o ? o / s.Fte : 0)))
            .GroupBy(x => x.Role, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => LogNormalPool.Estimate(g.Select(x => ("all", x.Value)), CaseloadFallback), StringComparer.Ordinal);

        var support = insatser.GroupBy(i => i.Kind, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (g.Count(), g.Select(i => i.SourceId).Distinct(StringComparer.Ordinal).Count()), StringComparer.Ordinal);
        return new LearnedModel(exits, dropout, dropoutUnits.Count, stay, caseload, used, rate, roles,
            EvidenceVocabulary.InsatsKinds, support, library.Files.Count, insatser.Count);
    }

    /// <summary>The recorded realised mean stay: <c>stay.mean_months</c>, else the mean of a <c>time_in_insats</c> record (band mid-points).</summary>
    public static double? RealisedStay(EvidenceInsats insats)
    {
        if (insats.StayMonths is { } s) return s;
        var rec = insats.Records.Where(r => r.Measure == EvidenceVocabulary.TimeInInsats).OrderByDescending(r => r.N).FirstOrDefault();
        if (rec is null) return null;
        var known = rec.Cells.Where(c => EvidenceVocabulary.TimeBands.ContainsKey(c.Category.Name)).ToList();
        var n = known.Sum(c => c.Count);
        return n > 0 ? known.Sum(c => c.Count * EvidenceVocabulary.TimeBands[c.Category.Name]) / n : null;
    }

    /// <summary>Participants enrolled at one time: the planned places, else starts × realised stay / months of the period (Little's law).</summary>
    public static double? Occupancy(EvidenceInsats insats) =>
        insats.Places ?? (insats.Starts is { } s && RealisedStay(insats) is { } t && insats.PeriodMonths is { } m && m > 0 ? s * t / m : null);
}
