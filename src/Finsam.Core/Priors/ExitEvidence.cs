using Finsam.Core.Evidence;

namespace Finsam.Core.Priors;

/// <summary>
/// Exits recorded in one category: the start-class shares of the people counted, the set of exit classes
/// (bits), how many, the category's name and, in a cross-table, the row (start category) it is in.
/// </summary>
public sealed record ExitCell(double[]? Start, int Mask, double Count, string Name, string? Row = null);

/// <summary>
/// What one insats's evidence says about exits, in outcome classes: the record used, its cells, and the
/// insats's start-class shares (null when no start distribution was recorded).
/// </summary>
public sealed record InsatsExits(EvidenceInsats Insats, EvidenceRecord Record, double[]? Start, IReadOnlyList<ExitCell> Cells)
{
    public double Known => Cells.Sum(c => c.Count);

    /// <summary>A distribution to forecast: at least two categories and someone in them.</summary>
    public bool Scorable => Cells.Count >= 2 && Known > 0;
}

/// <summary>
/// Picks, for each insats, the one record that says most about where people went at exit, so no person is
/// counted twice: an occupation cross-table, else occupations at exit, else income at exit — each over
/// everyone who ended before a subgroup, the largest n first. Follow-up samples (population followed_up) are
/// a later point in time and are not exits. Unknown and still-enrolled counts are left out (missing at random);
/// a <c>rest: elsewhere</c> enters as the complement of the named categories.
/// </summary>
public static class ExitEvidence
{
    public static IReadOnlyList<InsatsExits> From(IEnumerable<EvidenceInsats> insatser) =>
        insatser.Select(Of).OfType<InsatsExits>().ToList();

    public static InsatsExits? Of(EvidenceInsats insats)
    {
        var start = StartShares(insats);
        var record = Best(insats, EvidenceVocabulary.OccupationTransition) ?? Best(insats, EvidenceVocabulary.ExitOccupation)
            ?? Best(insats, EvidenceVocabulary.IncomeTransition) ?? Best(insats, EvidenceVocabulary.ExitIncome);
        if (record is null) return null;
        var cells = new List<ExitCell>();
        foreach (var cell in record.Cells)
        {
            var mask = OutcomeClasses.Mask(cell.Category);
            if (mask == 0) continue;
            var s = cell.From is { } from ? FromShares(from, start) : SubgroupShares(record, start) ?? start;
            cells.Add(new ExitCell(s, mask, cell.Count, cell.Category.Name, cell.From?.Name));
        }
        if (cells.Count == 0 || record.IsTransition) return cells.Count == 0 ? null : new InsatsExits(insats, record, start, cells);
        // The classes no category names: the rest when it went elsewhere; else none of the known (a source that
        // breaks its exits down names every category it saw). One named category with the rest unaccounted
        // says nothing about the split, and stays a single cell.
        var named = cells.Aggregate(0, (m, c) => m | c.Mask);
        var complement = ((1 << OutcomeClasses.Count) - 1) & ~named;
        var elsewhere = record.RestCategory == EvidenceVocabulary.Elsewhere ? record.Rest : 0;
        if (complement != 0 && (elsewhere > 0 || cells.Count >= 2))
            cells.Add(new ExitCell(SubgroupShares(record, start) ?? start, complement, elsewhere, "not named"));
        return new InsatsExits(insats, record, start, cells);
    }

    private static EvidenceRecord? Best(EvidenceInsats insats, string measure)
    {
        var candidates = insats.Records.Where(r => r.Measure == measure && r.Population != "followed_up").ToList();
        return candidates.Where(r => r.SubgroupMembers is null).OrderByDescending(r => r.N).FirstOrDefault()
            ?? candidates.OrderByDescending(r => r.N).FirstOrDefault();
    }

    /// <summary>The insats's start-class shares from its start_occupation (else start_income) record; null when neither was recorded.</summary>
    public static double[]? StartShares(EvidenceInsats insats)
    {
        var record = Best(insats, EvidenceVocabulary.StartOccupation) ?? Best(insats, EvidenceVocabulary.StartIncome);
        if (record is null) return null;
        var s = new double[OutcomeClasses.Count];
        // Single-class cells first; grouped cells are then split in proportion to them (evenly if none).
        foreach (var cell in record.Cells)
        {
            var members = OutcomeClasses.Members(OutcomeClasses.Mask(cell.Category)).ToList();
            if (members.Count == 1) s[members[0]] += cell.Count;
        }
        var single = (double[])s.Clone();
        foreach (var cell in record.Cells)
        {
            var members = OutcomeClasses.Members(OutcomeClasses.Mask(cell.Category)).ToList();
            if (members.Count < 2) continue;
            var w = members.Sum(c => single[c]);
            foreach (var c in members) s[c] += cell.Count * (w > 0 ? single[c] / w : 1.0 / members.Count);
        }
        var total = s.Sum();
        return total > 0 ? s.Select(x => x / total).ToArray() : null;
    }

    private static double[] FromShares(EvidenceCategory from, double[]? start) => Restrict(OutcomeClasses.Mask(from), start);

    private static double[]? SubgroupShares(EvidenceRecord record, double[]? start)
    {
        if (record.SubgroupMembers is null) return null;
        var mask = record.SubgroupMembers.Aggregate(0, (m, id) => OutcomeClasses.Of(id).Aggregate(m, (mm, c) => mm | (1 << c)));
        return Restrict(mask, start);
    }

    /// <summary>Start shares restricted to a set of classes (in proportion to the insats's start shares, evenly without them).</summary>
    private static double[] Restrict(int mask, double[]? start)
    {
        var members = OutcomeClasses.Members(mask).ToList();
        var s = new double[OutcomeClasses.Count];
        if (members.Count == 0) return s;
        var w = start is null ? 0 : members.Sum(c => start[c]);
        foreach (var c in members) s[c] = w > 0 ? start![c] / w : 1.0 / members.Count;
        return s;
    }
}
