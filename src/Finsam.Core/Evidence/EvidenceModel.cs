using Finsam.Core.Loading;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Evidence;

/// <summary>One evidence file: what one source document recorded about one or more real insatser (docs/evidence-format.md).</summary>
public sealed record EvidenceFile(
    string File, EvidenceSource Source, IReadOnlyDictionary<string, IReadOnlyList<string>> Groups, IReadOnlyList<EvidenceInsats> Insatser);

/// <summary>The source document and how it was read: a public address with the date read, or a seed text.</summary>
public sealed record EvidenceSource(
    string Id, string Title, string? Author, string? Publisher, int? Year, string Document,
    string? Address, string? Read, string? Seed, string? Note);

public sealed record Staffing(string Role, double Fte);

/// <summary>The insats's own stated exit goal: a share of exits to a set of SUS categories.</summary>
public sealed record EvidenceGoal(double Share, IReadOnlyList<string> To, IReadOnlySet<string> Members);

/// <summary>One insats as a source recorded it. Every number here was cited in the file.</summary>
public sealed record EvidenceInsats(
    string SourceId, string Id, string Name, string? Forbund, string Kind, IReadOnlyList<string> TargetGroup,
    YearMonth? From, YearMonth? To, IReadOnlyList<Staffing> Staffing,
    double? Places, double? Starts, double? Ended, double? StayMonths, EvidenceGoal? Goal,
    IReadOnlyList<EvidenceRecord> Records, SourcePos Where)
{
    public string Key => $"{SourceId}/{Id}";
    public double? TotalFte => Staffing.Count == 0 ? null : Staffing.Sum(s => s.Fte);
    public int? PeriodMonths => From is { } f && To is { } t ? YearMonth.MonthsBetween(f, t) + 1 : null;
}

/// <summary>
/// A category of a record: its name as written and the SUS ids it stands for (one for a SUS id,
/// the members for a group; empty for the special categories <c>Okänt</c> and <c>Kvar i insats</c>).
/// </summary>
public sealed record EvidenceCategory(string Name, IReadOnlySet<string> Members)
{
    public bool IsUnknown => Name == EvidenceVocabulary.Unknown;
    public bool IsStillEnrolled => Name == EvidenceVocabulary.StillEnrolled;
    public bool IsSpecial => IsUnknown || IsStillEnrolled;
}

/// <summary>One cell of a record: a category (with, for cross-tables, the category it came from) and its count.</summary>
public sealed record EvidenceCell(EvidenceCategory? From, EvidenceCategory Category, double Count);

/// <summary>
/// One recorded distribution. <see cref="Cells"/> holds the counts (shares already turned into counts);
/// <see cref="Rest"/> is n − Σ counts, placed in <see cref="RestCategory"/>.
/// </summary>
public sealed record EvidenceRecord(
    string Measure, string Population, double N, IReadOnlyList<EvidenceCell> Cells, double Rest, string RestCategory,
    string? SubgroupMeasure, IReadOnlySet<string>? SubgroupMembers, string Cite, SourcePos Where)
{
    public bool IsTransition => Measure is EvidenceVocabulary.OccupationTransition or EvidenceVocabulary.IncomeTransition;
}

/// <summary>Every evidence file of a folder, loaded and validated.</summary>
public sealed record EvidenceLibrary(IReadOnlyList<EvidenceFile> Files)
{
    public IEnumerable<EvidenceInsats> Insatser => Files.SelectMany(f => f.Insatser);
    public IEnumerable<string> Kinds => Insatser.Select(i => i.Kind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>The library without one source (leave-one-source-out).</summary>
    public EvidenceLibrary Without(string sourceId) => new(Files.Where(f => f.Source.Id != sourceId).ToList());

    /// <summary>The library without one insats (leave-one-insats-out).</summary>
    public EvidenceLibrary Without(EvidenceInsats insats) =>
        new(Files.Select(f => f with { Insatser = f.Insatser.Where(i => i.Key != insats.Key).ToList() }).ToList());
}
