namespace Finsam.Core.Scenarios;

/// <summary>
/// A validated scenario: one förbund, its parties, budget, insatser and the people referred to them.
/// Built only by <see cref="Loading.ScenarioLoader"/>, so every reference in it resolves.
/// </summary>
public sealed record Scenario
{
    /// <summary>What the <c>priors:</c> file filled in (insats values the scenario left out, realised stays met), one line each.</summary>
    public IReadOnlyList<string> PriorsNotes { get; init; } = [];

    public required string File { get; init; }
    public required string Name { get; init; }
    public string? Source { get; init; }
    /// <summary>The variant applied, or null for the base scenario.</summary>
    public string? Variant { get; init; }
    /// <summary>The overlay file applied after the variant (fitted values), or null.</summary>
    public string? Overlay { get; init; }
    public required YearMonth Start { get; init; }
    public required int Months { get; init; }
    public required ulong Seed { get; init; }
    public required int Replicates { get; init; }
    public required IReadOnlyList<Party> Parties { get; init; }
    public required Budget Budget { get; init; }
    public required IReadOnlyList<Payer> Payers { get; init; }
    public required IReadOnlyList<IncomeState> IncomeStates { get; init; }
    public required IReadOnlyList<Occupation> Occupations { get; init; }
    public required IReadOnlyList<TargetGroup> TargetGroups { get; init; }
    public required IReadOnlyList<ReferralFlow> Referrals { get; init; }
    public required IReadOnlyList<Insats> Insatser { get; init; }
    public required IReadOnlyList<BaselineTransition> Baseline { get; init; }
    public required IReadOnlyList<RecordedResult> Recorded { get; init; }
    public required IReadOnlyList<VariantInfo> Variants { get; init; }
    /// <summary>Exit destinations by occupation at admission, shared by the insatser that name them.</summary>
    public IReadOnlyList<ExitModel> ExitModels { get; init; } = [];
    /// <summary>The socio-economic account's settings and valuation catalog (<c>economics:</c>), or null when the scenario has none.</summary>
    public Economics.EconomicsSettings? Economics { get; init; }

    public YearMonth End => Start.AddMonths(Months - 1);
}

public enum PartyKind { FK, AF, Region, Kommun }

/// <summary>A member of the förbund. Contributes a share of each year's budget (or a fixed amount) and may lend staff.</summary>
public sealed record Party(string Id, string Name, PartyKind Kind, double? Share, double? Amount, IReadOnlyList<StaffLoan> Staff);

/// <summary>Staff a party lends in kind to an insats: adds FTE capacity there without cost to the budget line.</summary>
public sealed record StaffLoan(string Insats, double Fte, double ValuePerFteYear);

/// <summary>Who pays an income state: a party kind (FK, AF, region, kommun) or someone outside the förbund (CSN, an employer).</summary>
public sealed record Payer(string Id, string Name, PartyKind? PartyKind);

public sealed record Budget(double Equity, bool CarryOver, IReadOnlyList<BudgetLine> Lines, IReadOnlyList<BudgetYear> Years)
{
    /// <summary>The entry that applies to a calendar year: its own, or the latest earlier one.</summary>
    public BudgetYear ForYear(int year) => Years.Where(y => y.Year <= year).MaxBy(y => y.Year) ?? Years[0];
}

public sealed record BudgetLine(string Id, string Name);

/// <summary>One year's money: the parties' total contribution and how it splits over budget lines.</summary>
public sealed record BudgetYear(int Year, Param? Total, IReadOnlyDictionary<string, double> Shares);

/// <summary>An ersättningssystem (SUS försörjning category) with its payer and monthly cost per person.</summary>
public sealed record IncomeState(string Id, string Payer, Param MonthlyCost, bool SelfSufficient, string? Occupation, string? Source);

public enum Outcome { None, Work, Studies }

/// <summary>A SUS sysselsättning category. Entering it may set the income state (work → Förvärvsarbete).</summary>
public sealed record Occupation(string Id, string? Income, Outcome Outcome, string? Source);

/// <summary>A profile mix the referred people are drawn from.</summary>
public sealed record TargetGroup(string Id, string Name, Mix Income, Mix Occupation, Mix Age, Mix Gender);

/// <summary>Referrals from a party, of a target group, to an insats: a Poisson rate per month or a one-off cohort.</summary>
public sealed record ReferralFlow(string Id, string From, string TargetGroup, string To, Param? Rate, int? Count, YearMonth? Start, YearMonth? Stop);

public enum InsatsKind { Individual, Structural }

public enum DurationKind { Geometric, Fixed, Uniform, Gamma, LogNormal }

/// <summary>Time spent in an individual insats (months, at least one).</summary>
public sealed record DurationSpec(DurationKind Kind, Param? Mean, Param? Sd, int Min, int Max);

public sealed record Chain(string To, Param Probability);

public sealed record Eligibility(
    IReadOnlyList<string> TargetGroups, IReadOnlyList<string> Parties,
    IReadOnlyList<string> IncomeStates, IReadOnlyList<string> Ages)
{
    public static readonly Eligibility Anyone = new([], [], [], []);
}

/// <summary>
/// An insats. Individual ones have places (or FTE × caseload), a queue, durations and exits;
/// structural ones change other insatser's or the baseline's rates through <see cref="Effects"/>.
/// </summary>
public sealed record Insats
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required InsatsKind Kind { get; init; }
    /// <summary>The kind from the evidence vocabulary (<c>insats_kind</c>: förrehabilitering, samverkansteam, …) that picks its priors.</summary>
    public string? EvidenceKind { get; init; }
    /// <summary>Budget line paying for it; null when funded outside the förbund (e.g. a party's own joint assessment queue).</summary>
    public string? BudgetLine { get; init; }
    public Param? Places { get; init; }
    public Param? Fte { get; init; }
    public Param? Caseload { get; init; }
    public Param? CostPerPlaceMonth { get; init; }
    public Param? CostPerFteYear { get; init; }
    public Param? CostPerYear { get; init; }
    public YearMonth? Start { get; init; }
    /// <summary>Last month new participants are admitted (wind-down: people enrolled continue).</summary>
    public YearMonth? IntakeStop { get; init; }
    /// <summary>Last month the insats runs: anyone still enrolled then exits.</summary>
    public YearMonth? Stop { get; init; }
    public Eligibility Eligibility { get; init; } = Eligibility.Anyone;
    public DurationSpec? Duration { get; init; }
    /// <summary>Destination mix of a planned exit; null when the insats uses <see cref="ExitModel"/>.</summary>
    public Mix? Exits { get; init; }
    /// <summary>Id of a scenario-level exit model: the destination depends on the occupation at admission.</summary>
    public string? ExitModel { get; init; }
    public Param? Dropout { get; init; }
    public string? DropoutTo { get; init; }
    public Param? GiveUp { get; init; }
    public IReadOnlyList<Chain> Chains { get; init; } = [];
    /// <summary>The insats's own stated exit goal, if it had one (a baseline for the backtest; the engine ignores it).</summary>
    public ExitGoal? Goal { get; init; }
    public IReadOnlyList<Effect> Effects { get; init; } = [];
    /// <summary>
    /// Places in every month the insats runs, whatever its budget line buys and whatever structural
    /// effects do — a planner's what-if (<c>throughput --capacity</c>), never read from a scenario file.
    /// Money is booked as the scenario says, so only the queue and the people's paths change.
    /// </summary>
    public int? FixedPlaces { get; init; }
}

/// <summary>
/// What a structural insats changes, as multipliers: on an individual insats (capacity, duration, dropout,
/// giving up, referrals, exit destinations) or on one baseline transition. Scaled by how much of the
/// structural insats is funded, and ramped in linearly over <see cref="RampMonths"/>.
/// </summary>
public sealed record Effect(
    string? Insats,
    Param? Capacity, Param? Duration, Param? Dropout, Param? GiveUp, Param? Referrals,
    IReadOnlyDictionary<string, Param> Exits,
    string? TransitionFrom, string? TransitionTo, Param? Transition,
    int RampMonths);

/// <summary>
/// Exit destinations that depend on the participant's occupation at admission: one mix of exit
/// occupations per start occupation, and a default for start occupations without their own row.
/// </summary>
public sealed record ExitModel(string Id, IReadOnlyList<ExitRow> Rows, Mix? Default)
{
    /// <summary>The mix for someone admitted in <paramref name="startOccupation"/>: its row, else the default.</summary>
    public Mix For(string startOccupation)
    {
        foreach (var r in Rows) if (r.Start == startOccupation) return r.Exits;
        return Default ?? throw new InvalidOperationException($"exit model '{Id}' has no row for '{startOccupation}' and no default");
    }
}

/// <summary>
/// A stated exit goal: shares of exits that should reach groups of occupations ("50 % to work,
/// 20 % to studies"). What the parts leave over is not a goal: it is the rest.
/// </summary>
public sealed record ExitGoal(IReadOnlyList<GoalPart> Parts, string? Source);

/// <summary>One part of a goal: a share of exits to any of the listed occupations.</summary>
public sealed record GoalPart(double Share, IReadOnlyList<string> To);

/// <summary>One row of an exit model: exit destinations of people admitted in occupation <see cref="Start"/>.</summary>
public sealed record ExitRow(string Start, Mix Exits);

/// <summary>Monthly probability that someone outside any insats moves from one income state to another.</summary>
public sealed record BaselineTransition(string From, string To, Param Monthly);

public enum RecordedQuantity
{
    Admitted, Ended, Unplanned, ExitOccupation, StartIncome, StartOccupation, Queue, Occupancy,
    ExitIncome, IncomeTransition, OccupationTransition, MeanStay, TimeInInsats, ExitReason,
}

/// <summary>An observed count from an evaluation, with its citation, to compare forecasts against.</summary>
public sealed record RecordedResult(
    string Id, RecordedQuantity Quantity, string Insats,
    double? Value, IReadOnlyDictionary<string, double>? Counts,
    YearMonth From, YearMonth To, string Source, string? Note)
{
    public bool IsDistribution => Counts is not null || Table is not null;

    /// <summary>For <c>income_transition</c> and <c>occupation_transition</c>: FROM → TO → count (after-by-before).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>? Table { get; init; }

    /// <summary>The named groups this record may use (the scenario's <c>groups:</c> and the record's own), group → SUS ids.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Groups { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Restricts the record to people with one of these start states, or null for everyone.</summary>
    public RecordedSubgroup? Subgroup { get; init; }

    /// <summary>Counts over single SUS ids for everyone: what calibration and backtest can use as they are.</summary>
    public bool IsPlain => Subgroup is null && Table is null && Counts is not null
        && !Counts.Keys.Any(k => Groups.ContainsKey(k) || k is RecordedCategory.Unknown or RecordedCategory.StillEnrolled);
}

/// <summary>A record restricted to the people whose state at admission is one of <see cref="States"/>.</summary>
public sealed record RecordedSubgroup(bool ByIncome, IReadOnlyList<string> States);

/// <summary>The categories recorded results share with the evidence library beyond the SUS ids.</summary>
public static class RecordedCategory
{
    /// <summary>Not accounted for by the report: left out of both sides of the comparison.</summary>
    public const string Unknown = "Okänt";
    /// <summary>Still enrolled at the end of the period: forecast as the people enrolled then.</summary>
    public const string StillEnrolled = "Kvar i insats";
    public const string Planned = "planned";
    public const string Dropout = "dropout";
    /// <summary>Month bands of realised time in insats, as in the evidence format; the last is open.</summary>
    public static readonly IReadOnlyList<(string Name, int From, int To)> StayBands =
        [("0-3", 0, 3), ("4-6", 4, 6), ("7-12", 7, 12), ("13-24", 13, 24), ("25-", 25, int.MaxValue)];

    public static int StayBand(int months)
    {
        for (var b = 0; b < StayBands.Count - 1; b++) if (months <= StayBands[b].To) return b;
        return StayBands.Count - 1;
    }
}

public sealed record VariantInfo(string Name, string? Description);
