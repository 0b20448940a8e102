using Finsam.Core.Evidence;

namespace Finsam.Core.Priors;

/// <summary>
/// Exits recorded in one category: the start-class shares of the people counted, the set of exit classes
/// (bits), how many, the category's name and, in a cross-table, the row (start category) it is in.
/// </summary>
public sealed record ExitCell(double[]? Start, int Mask, double Count, string Name, string? Row = null);

/// <summary>
/// What one insats's evidence says about exits, in outcome classes: the record used, its cells (every class in
/// exactly one cell of a plain record), the people who ended but were not placed (<see cref="Censored"/>: the
/// source's <c>Okänt</c>, who may be in any cell), and the insats's start-class shares (null when no start
/// distribution was recorded).
/// </summary>
public sealed record InsatsExits(EvidenceInsats Insats, EvidenceRecord Record, double[]? Start, IReadOnlyList<ExitCell> Cells, double Censored = 0)
{
    public double Known => Cells.Sum(c => c.Count);

    /// <summary>A complete distribution to forecast: everyone who ended placed, at least two cells, someone in them.</summary>
    public bool Scorable => Censored <= 0 && Cells.Count >= 2 && Known > 0;

    /// <summary>A count-censored record ("at least x of n went there"): scored by its probability, not by a distance.</summary>
    public bool CensoredScorable => Censored > 0 && Cells.Count >= 2 && Known > 0;
}

/// <summary>
/// Picks, for each insats, the one record that says most about where people went at exit, so no person is
/// counted twice: an occupation cross-table, else occupations at exit, else income at exit — each over
/// everyone who ended before a subgroup, the largest n first. Follow-up samples (population followed_up) are
/// a later point in time and are not exits. How the people a record does not place enter:
/// <list type="bullet">
/// <item><c>rest: Okänt</c> (and categories of no class, e.g. Svar saknas): <see cref="InsatsExits.Censored"/> —
/// they went to some cell, maybe a named one, so each named count is a lower bound (<see cref="CensoredCounts"/>).
/// Reading them as a fair sample instead would turn "52 % went to work or studies" into "everyone did".</item>
/// <item><c>rest: elsewhere</c>: the cell of the classes the record does not name.</item>
/// <item><c>rest: Kvar i insats</c>: still enrolled, not exits; left out.</item>
/// </list>
/// A plain record always gets the cell of the classes it does not name (with the elsewhere count, else 0), so
/// its cells cover every class once.
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
        var censored = record.RestCategory == EvidenceVocabulary.Unknown ? record.Rest : 0;
        foreach (var cell in record.Cells)
        {
            var mask = OutcomeClasses.Mask(cell.Category);
            if (mask == 0) { censored += cell.Count; continue; }
            var s = cell.From is { } from ? FromShares(from, start) : SubgroupShares(record, start) ?? start;
            cells.Add(new ExitCell(s, mask, cell.Count, cell.Category.Name, cell.From?.Name));
        }
        if (cells.Count == 0) return null;
        cells = Partition(cells);
        // Cross-tables: rows are read as they are (the library has none with an unplaced rest yet).
        if (record.IsTransition) return new InsatsExits(insats, record, start, cells);
        var named = cells.Aggregate(0, (m, c) => m | c.Mask);
        var complement = ((1 << OutcomeClasses.Count) - 1) & ~named;
        var elsewhere = record.RestCategory == EvidenceVocabulary.Elsewhere ? record.Rest : 0;
        if (complement != 0)
            cells.Add(new ExitCell(SubgroupShares(record, start) ?? start, complement, elsewhere, "not named"));
        return new InsatsExits(insats, record, start, cells, censored);
    }

    /// <summary>
    /// Cells merged to the finest partition both the source and the outcome classes can tell apart: within a row,
    /// categories whose classes overlap become one (Annat, Praktik and Verksam are all "ovrigt"; "Ekonomiskt
    /// bistånd" overlaps "A-kassa"), so every class is in one cell and every forecast share is counted once.
    /// </summary>
    public static List<ExitCell> Partition(IEnumerable<ExitCell> cells)
    {
        var merged = new List<ExitCell>();
        foreach (var row in cells.GroupBy(c => c.Row))
        {
            var list = row.ToList();
            var changed = true;
            while (changed)
            {
                changed = false;
                for (var i = 0; i < list.Count && !changed; i++)
                    for (var j = i + 1; j < list.Count && !changed; j++)
                    {
                        if ((list[i].Mask & list[j].Mask) == 0) continue;
                        list[i] = list[i] with { Mask = list[i].Mask | list[j].Mask, Count = list[i].Count + list[j].Count, Name = $"{list[i].Name} + {list[j].Name}" };
                        list.RemoveAt(j);
                        changed = true;
                    }
            }
            merged.AddRange(list);
        }
        return merged;
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
