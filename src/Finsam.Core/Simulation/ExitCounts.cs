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

    public int Incomes { get; init; }
    public int Occupations { get; init; }
    public int[] ExitIncome { get; init; } = [];            // [insats * incomes + income]
    public int[] IncomeTransition { get; init; } = [];      // [(insats * incomes + start) * incomes + exit]
    public int[] OccupationTransition { get; init; } = [];  // [(insats * occupations + start) * occupations + exit]
    public long[] StaySum { get; init; } = [];              // [insats]
    public int[] StayBand { get; init; } = [];              // [insats * bands + band]

    public ExitCounts() { }

    public ExitCounts(ExitRecords records, int insatser, int incomes, int occupations)
    {
        Incomes = incomes;
        Occupations = occupations;
        if (records.HasFlag(ExitRecords.Detail))
        {
            ExitIncome = new int[insatser * incomes];
            StaySum = new long[insatser];
            StayBand = new int[insatser * RecordedCategory.StayBands.Count];
        }
        if (records.HasFlag(ExitRecords.IncomeTransition)) IncomeTransition = new int[insatser * incomes * incomes];
        if (records.HasFlag(ExitRecords.OccupationTransition)) OccupationTransition = new int[insatser * occupations * occupations];
    }

    /// <summary>One planned exit or dropout from insats <paramref name="i"/> after <paramref name="months"/> months enrolled.</summary>
    public void Exit(int i, int startIncome, int income, int startOccupation, int occupation, int months)
    {
        if (ExitIncome.Length > 0)
        {
            ExitIncome[i * Incomes + income]++;
            StaySum[i] += months;
            StayBand[i * RecordedCategory.StayBands.Count + RecordedCategory.StayBand(months)]++;
        }
        if (IncomeTransition.Length > 0) IncomeTransition[(i * Incomes + startIncome) * Incomes + income]++;
        if (OccupationTransition.Length > 0) OccupationTransition[(i * Occupations + startOccupation) * Occupations + occupation]++;
    }

    /// <summary>Adds this month's counts into the replicate's month rows.</summary>
    public void AddTo(ReplicateResult r, int month)
    {
        Add(r.ExitIncome, ExitIncome);
        Add(r.IncomeTransition, IncomeTransition);
        Add(r.OccupationTransition, OccupationTransition);
        Add(r.StaySum, StaySum);
        Add(r.StayBand, StayBand);

        // Each array's month row is as long as the shard's whole array: [month * length + k].
        void Add<T>(T[] target, T[] source) where T : struct, System.Numerics.INumber<T>
        {
            if (source.Length == 0) return;
            var offset = month * source.Length;
            for (var k = 0; k < source.Length; k++) target[offset + k] += source[k];
        }
    }
}
