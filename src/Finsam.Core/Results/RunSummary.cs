namespace Finsam.Core.Results;

/// <summary>
/// What a run found, summarised over replicates. This is the content of result.json; the terminal
/// summary, the CSV files and the report are views of it.
/// </summary>
public sealed record RunSummary(
    RunInfo Run,
    IReadOnlyList<Figure> Headline,
    IReadOnlyList<StateFigure> IncomeAtHorizon,
    IReadOnlyList<InsatsSummary> Insatser,
    IReadOnlyList<PartySummary> Parties,
    IReadOnlyList<PayerSummary> Payers,
    IReadOnlyList<LineSummary> BudgetLines,
    MonthlySeries Monthly,
    RecordedSummary? Recorded,
    IReadOnlyList<ReplicateFigures> Replicates)
{
    /// <summary>The socio-economic account (Finsam.Core.Economics), when the scenario has an <c>economics:</c> section.</summary>
    public Economics.SocioEconomicAccount? Economics { get; init; }

    /// <summary>Which uncertain inputs explain the spread of the headline figures (Finsam.Core.Analysis.Sensitivity).</summary>
    public Analysis.SensitivityResult? Sensitivity { get; init; }
}

public sealed record RunInfo(
    string Scenario, string File, string? Variant, ulong Seed, int Replicates,
    string Start, string End, int Months, string Interval, IReadOnlyList<string> MonthLabels, string? Overlay = null);

/// <summary>A headline figure with its unit ("people", "share", "months", "SEK").</summary>
public sealed record Figure(string Key, string Label, string Unit, Stat? Value);

public sealed record StateFigure(string State, string Payer, Stat People, Stat Counterfactual);

public sealed record CategoryStat(string Category, Stat Value);

public sealed record InsatsSummary(
    string Id, string Name,
    Stat Referred, Stat Ineligible, Stat Admitted, Stat Ended, Stat Planned, Stat Unplanned, Stat Chained,
    Stat GaveUp, Stat TurnedAway, Stat MeanCapacity, Stat MeanOccupancy, Stat QueueAtHorizon,
    Stat? MeanWait, Stat? WaitP50, Stat? WaitP90, Stat Spend,
    IReadOnlyList<CategoryStat> ExitsByOccupation);

public sealed record PartySummary(
    string Id, string Name, string Kind,
    Stat Contribution, Stat InKind, Stat ErsattningPaid, Stat CounterfactualPaid,
    Stat Difference, Stat Net);

public sealed record PayerSummary(string Id, string Name, Stat Paid, Stat CounterfactualPaid, Stat Difference);

public sealed record LineSummary(string Id, string Name, Stat Spend);

/// <summary>Month-by-month forecasts: for each series, one <see cref="Stat"/> per month.</summary>
public sealed record MonthlySeries(
    IReadOnlyList<NamedSeries> Income,
    IReadOnlyList<NamedSeries> CounterfactualIncome,
    IReadOnlyList<InsatsSeries> Insatser,
    IReadOnlyList<PartySeries> Parties);

public sealed record NamedSeries(string Name, IReadOnlyList<Stat> Values);

public sealed record InsatsSeries(
    string Id, IReadOnlyList<Stat> Capacity, IReadOnlyList<Stat> Occupancy, IReadOnlyList<Stat> Queue,
    IReadOnlyList<Stat> Admitted, IReadOnlyList<Stat> Ended, IReadOnlyList<Stat?> MeanWait);

public sealed record PartySeries(
    string Id, IReadOnlyList<Stat> Contribution, IReadOnlyList<Stat> Paid, IReadOnlyList<Stat> CounterfactualPaid);

/// <summary>Recorded results against the forecast of the same quantity.</summary>
public sealed record RecordedSummary(IReadOnlyList<RecordedCheck> Checks, int Inside, int Total, double Coverage);

public sealed record RecordedCheck(
    string Id, string Quantity, string Insats, string Period, string Source,
    double? Observed, Stat? Forecast,
    IReadOnlyList<CategoryCheck>? Categories,
    double? TotalVariationDistance, double? GStatistic, int? DegreesOfFreedom, double? PValue,
    bool Inside, string? Note)
{
    /// <summary>The start states the record is restricted to, or null for everyone.</summary>
    public string? Subgroup { get; init; }
    /// <summary>People the report did not account for (<c>Okänt</c>): left out of both sides, so not in <see cref="Observed"/>.</summary>
    public double? NotAccounted { get; init; }
}

/// <summary>One category of a recorded distribution: observed count and share against the forecast's.</summary>
public sealed record CategoryCheck(
    string Category, double ObservedCount, double ObservedShare, Stat ForecastCount, Stat ForecastShare, bool Inside)
{
    /// <summary>Why the category does not count towards coverage, or null when it counts.</summary>
    public string? NotCounted { get; init; }
}

/// <summary>
/// The headline figures of one replicate, and each party's money in it, for analysts and for paired
/// comparisons between variants (replicate k of every alternative shares its random numbers).
/// <see cref="Parties"/> is null in results written before it existed.
/// </summary>
public sealed record ReplicateFigures(int Replicate, IReadOnlyDictionary<string, double?> Figures, IReadOnlyList<PartyFigures>? Parties = null);

/// <summary>
/// One party's totals over the horizon in one replicate, SEK: contribution, staff lent in kind, ersättning
/// paid for the referred people, what it would have paid without the förbund's insatser, and the net
/// (contribution + in kind + paid − counterfactual; negative means the party gains).
/// </summary>
public sealed record PartyFigures(string Party, double Contribution, double InKind, double Paid, double CounterfactualPaid, double Net);
