using Finsam.Core.Results;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Simulation;

/// <summary>
/// A shard's month of the optional exit counts (income after exit, start-by-exit tables, months
/// enrolled): counted once per exit, never per person-month, and only what <see cref="ExitRecords"/>
/// asks for, so scenarios that do not record these quantities pay nothing.
/// </summary>
public sealed class ExitCounts
{
    public static readonly ExitCounts Empty = new();

    public int Insatser { get; init; }
    public int Incomes { get; init; }
    public int Occupations { get; init; }
    // The arrays are one month row of the replicate's arrays: [insats, …] as in ReplicateResult's views.
    public int[] ExitIncome { get; init; } = [];            // [insats, income]
    public int[] IncomeTransition { get; init; } = [];      // [insats, at admission, after exit]
    public int[] OccupationTransition { get; init; } = [];  // [insats, at admission, after exit]
    public long[] StaySum { get; init; } = [];              // [insats]
    public int[] StayBand { get; init; } = [];              // [insats, band]

    public ExitCounts() { }

    public ExitCounts(ExitRecords records, int insatser, int incomes, int occupations)
    {
        Insatser = insatser;
        Incomes = incomes;
        Occupations = occupations;
        if (records.HasFlag(ExitRecords.Detail))
        {
            ExitIncome = new Table<int>(insatser, incomes).Data;
            StaySum = new long[insatser];
            StayBand = new Table<int>(insatser, RecordedCategory.StayBands.Count).Data;
        }
        if (records.HasFlag(ExitRecords.IncomeTransition)) IncomeTransition = new Cube<int>(insatser, incomes, incomes).Data;
        if (records.HasFlag(ExitRecords.OccupationTransition)) OccupationTransition = new Cube<int>(insatser, occupations, occupations).Data;
    }

    /// <summary>One planned exit or dropout from insats <paramref name="i"/> after <paramref name="months"/> months enrolled.</summary>
    public void Exit(int i, int startIncome, int income, int startOccupation, int occupation, int months)
    {
        if (ExitIncome.Length > 0)
        {
            new Table<int>(ExitIncome, Insatser, Incomes)[i, income]++;
            StaySum[i] += months;
            new Table<int>(StayBand, Insatser, RecordedCategory.StayBands.Count)[i, RecordedCategory.StayBand(months)]++;
        }
        if (IncomeTransition.Length > 0) new Cube<int>(IncomeTransition, Insatser, Incomes, Incomes)[i, startIncome, income]++;
        if (OccupationTransition.Length > 0) new Cube<int>(OccupationTransition, Insatser, Occupations, Occupations)[i, startOccupation, occupation]++;
    }

    /// <summary>Zeroes the counts for the next month.</summary>
    public void Clear()
    {
        Array.Clear(ExitIncome);
        Array.Clear(IncomeTransition);
        Array.Clear(OccupationTransition);
        Array.Clear(StaySum);
        Array.Clear(StayBand);
    }

    /// <summary>Adds this month's counts into the replicate's month rows.</summary>
    public void AddTo(ReplicateResult r, int month)
    {
        if (ExitIncome.Length > 0)
        {
            Add(r.ExitsByIncome.Month(month), ExitIncome);
            Add(r.Stays.Month(month), StaySum);
            Add(r.StaysByBand.Month(month), StayBand);
        }
        if (IncomeTransition.Length > 0) Add(r.IncomeTransitions.Month(month), IncomeTransition);
        if (OccupationTransition.Length > 0) Add(r.OccupationTransitions.Month(month), OccupationTransition);

        static void Add<T>(Span<T> target, T[] source) where T : struct, System.Numerics.INumber<T>
        {
            if (target.Length != source.Length) throw new InvalidOperationException("a shard's exit counts do not match the replicate's month row");
            for (var k = 0; k < source.Length; k++) target[k] += source[k];
        }
    }
}
