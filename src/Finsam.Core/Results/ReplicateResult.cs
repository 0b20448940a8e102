using System.Text.Json.Serialization;

namespace Finsam.Core.Results;

/// <summary>
/// Everything one replicate recorded, month by month, as flat arrays (row-major, month first).
/// Plain data: it is what a replicate grain returns and what a run stores.
/// </summary>
public sealed class ReplicateResult
{
    public int Replicate { get; init; }
    public int Months { get; init; }
    public int Incomes { get; init; }
    public int Occupations { get; init; }
    public int Insatser { get; init; }
    public int Structural { get; init; }
    public int Parties { get; init; }
    public int Payers { get; init; }
    public int Lines { get; init; }

    // People per income state or occupation (PerIncome, PerOccupation).
    public required int[] Income { get; init; }
    public required int[] CounterfactualIncome { get; init; }
    public required int[] Occupation { get; init; }

    // Per insats (PerInsats).
    public required int[] Referred { get; init; }
    public required int[] Ineligible { get; init; }
    public required int[] Capacity { get; init; }
    public required int[] Occupancy { get; init; }
    public required int[] Queue { get; init; }
    public required int[] Admitted { get; init; }
    public required int[] Planned { get; init; }
    public required int[] Dropouts { get; init; }
    public required int[] Chained { get; init; }
    public required int[] GaveUp { get; init; }
    public required int[] Closed { get; init; }
    public required long[] WaitSum { get; init; }
    /// <summary>Admissions by wait in months (<see cref="Waits"/>).</summary>
    public required int[] WaitHistogram { get; init; }
    /// <summary>Planned and unplanned exits by occupation after exit (<see cref="ExitsByOccupation"/>); starts by income and occupation at admission.</summary>
    public required int[] ExitOccupation { get; init; }
    public required int[] StartIncome { get; init; }
    public required int[] StartOccupation { get; init; }

    // What recorded results in the vocabulary of reports and SUS need, counted at exit (planned exits and
    // dropouts, as ExitOccupation). Empty unless the scenario records them (ReplicateModel.Records).
    /// <summary>Income state after exit (<see cref="ExitsByIncome"/>).</summary>
    public int[] ExitIncome { get; init; } = [];
    /// <summary>Income at admission by income after exit (<see cref="IncomeTransitions"/>).</summary>
    public int[] IncomeTransition { get; init; } = [];
    /// <summary>Occupation at admission by occupation after exit (<see cref="OccupationTransitions"/>).</summary>
    public int[] OccupationTransition { get; init; } = [];
    /// <summary>Months enrolled, summed over those who ended (<see cref="Stays"/>).</summary>
    public long[] StaySum { get; init; } = [];
    /// <summary>Those who ended by months enrolled (<see cref="StaysByBand"/>, bands of RecordedCategory.StayBands).</summary>
    public int[] StayBand { get; init; } = [];

    // Money, SEK.
    public required double[] PayerPaid { get; init; }                 // PerPayer
    public required double[] PayerCounterfactualPaid { get; init; }
    public required double[] PartyContribution { get; init; }         // PerParty
    public required double[] PartyInKind { get; init; }
    public required double[] PartyPaid { get; init; }
    public required double[] PartyCounterfactualPaid { get; init; }
    public required double[] LineSpend { get; init; }                 // PerLine
    public required double[] InsatsSpend { get; init; }               // PerInsatsSpend

    // Totals.
    public required int[] ServedByGender { get; init; }
    public int Referrals { get; set; }
    public int Served { get; set; }
    public int WorkOrStudies { get; set; }
    public int Due12 { get; set; }
    public int SelfSufficient12 { get; set; }
    public int CounterfactualSelfSufficient12 { get; set; }
    public long ParticipantMonths { get; set; }

    public static ReplicateResult Create(int replicate, int months, int incomes, int occupations, int insatser,
        int structural, int parties, int payers, int lines, int genders, ExitRecords records = ExitRecords.None) => new()
    {
        Replicate = replicate, Months = months, Incomes = incomes, Occupations = occupations, Insatser = insatser,
        Structural = structural, Parties = parties, Payers = payers, Lines = lines,
        Income = new int[months * incomes], CounterfactualIncome = new int[months * incomes],
        Occupation = new int[months * occupations],
        Referred = new int[months * insatser], Ineligible = new int[months * insatser], Capacity = new int[months * insatser],
        Occupancy = new int[months * insatser], Queue = new int[months * insatser], Admitted = new int[months * insatser],
        Planned = new int[months * insatser], Dropouts = new int[months * insatser], Chained = new int[months * insatser],
        GaveUp = new int[months * insatser], Closed = new int[months * insatser], WaitSum = new long[months * insatser],
        WaitHistogram = new int[insatser * (months + 1)],
        ExitOccupation = new int[months * insatser * occupations],
        StartIncome = new int[months * insatser * incomes], StartOccupation = new int[months * insatser * occupations],
        PayerPaid = new double[months * payers], PayerCounterfactualPaid = new double[months * payers],
        PartyContribution = new double[months * parties], PartyInKind = new double[months * parties],
        PartyPaid = new double[months * parties], PartyCounterfactualPaid = new double[months * parties],
        LineSpend = new double[months * lines], InsatsSpend = new double[months * (insatser + structural)],
        ServedByGender = new int[genders],
        ExitIncome = records.HasFlag(ExitRecords.Detail) ? new int[months * insatser * incomes] : [],
        StaySum = records.HasFlag(ExitRecords.Detail) ? new long[months * insatser] : [],
        StayBand = records.HasFlag(ExitRecords.Detail) ? new int[months * insatser * Scenarios.RecordedCategory.StayBands.Count] : [],
        IncomeTransition = records.HasFlag(ExitRecords.IncomeTransition) ? new int[months * insatser * incomes * incomes] : [],
        OccupationTransition = records.HasFlag(ExitRecords.OccupationTransition) ? new int[months * insatser * occupations * occupations] : [],
    };

    [JsonIgnore] public double TotalSpend => LineSpend.Sum();

    // Typed views of the flat arrays above: their layouts are owned here and by MonthGrid, and nobody
    // else computes an offset into them. Not serialised (they are the arrays again).
    public MonthGrid<int> PerIncome(int[] a) => new(a, Months, Incomes);
    public MonthGrid<int> PerOccupation(int[] a) => new(a, Months, Occupations);
    public MonthGrid<int> PerInsats(int[] a) => new(a, Months, Insatser);
    public MonthGrid<long> PerInsats(long[] a) => new(a, Months, Insatser);
    public MonthGrid<double> PerParty(double[] a) => new(a, Months, Parties);
    public MonthGrid<double> PerPayer(double[] a) => new(a, Months, Payers);
    [JsonIgnore] public MonthGrid<double> PerLine => new(LineSpend, Months, Lines);
    /// <summary>Spending per individual insats, then per structural one.</summary>
    [JsonIgnore] public MonthGrid<double> PerInsatsSpend => new(InsatsSpend, Months, Insatser + Structural);
    [JsonIgnore] public MonthCube<int> ExitsByOccupation => new(ExitOccupation, Months, Insatser, Occupations);
    [JsonIgnore] public MonthCube<int> StartsByIncome => new(StartIncome, Months, Insatser, Incomes);
    [JsonIgnore] public MonthCube<int> StartsByOccupation => new(StartOccupation, Months, Insatser, Occupations);
    /// <summary>Admissions by wait in months, [insats, wait], the last column holding waits of the whole horizon or more.</summary>
    [JsonIgnore] public Table<int> Waits => new(WaitHistogram, Insatser, Months + 1);

    // The optional exit counts (each fails when made if the replicate did not record it).
    [JsonIgnore] public MonthCube<int> ExitsByIncome => new(ExitIncome, Months, Insatser, Incomes);
    [JsonIgnore] public MonthGrid<long> Stays => new(StaySum, Months, Insatser);
    [JsonIgnore] public MonthCube<int> StaysByBand => new(StayBand, Months, Insatser, Scenarios.RecordedCategory.StayBands.Count);
    [JsonIgnore] public MonthCrossTable<int> IncomeTransitions => new(IncomeTransition, Months, Insatser, Incomes);
    [JsonIgnore] public MonthCrossTable<int> OccupationTransitions => new(OccupationTransition, Months, Insatser, Occupations);
}

/// <summary>Which of the optional exit counts a replicate keeps: only what the scenario's recorded results compare.</summary>
[Flags]
public enum ExitRecords
{
    None = 0,
    /// <summary>Income after exit, months enrolled (sum and bands).</summary>
    Detail = 1,
    IncomeTransition = 2,
    OccupationTransition = 4,
}
