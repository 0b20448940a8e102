using System.Text.Json;
using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>The typed views that own the flat arrays' layouts (issue 11): shape checks, agreement between views, and what travels.</summary>
public class MonthGridTests
{
    [Fact]
    public void A_view_of_the_wrong_shape_fails_when_made()
    {
        var r = ReplicateResult.Create(0, months: 12, incomes: 3, occupations: 4, insatser: 2, structural: 1, parties: 2, payers: 2, lines: 1, genders: 2);
        // Income is [month, income]: a per-insats view of it would read other numbers, so it is refused.
        var e = Assert.Throws<ArgumentException>(() => r.PerInsats(r.Income));
        Assert.Contains("12 × 2 needs 24 values, not 36", e.Message);
        Assert.Throws<ArgumentException>(() => r.ExitsByIncome);   // not recorded: empty, not a grid
        Assert.Throws<ArgumentException>(() => new Table<int>(new int[5], 2, 3));
    }

    [Fact]
    public void Month_rows_cells_and_indexers_address_the_same_values()
    {
        var r = ReplicateResult.Create(0, months: 3, incomes: 2, occupations: 3, insatser: 2, structural: 0, parties: 1, payers: 1, lines: 1, genders: 1,
            ExitRecords.Detail | ExitRecords.IncomeTransition);
        r.ExitsByOccupation[2, 1, 2] = 7;
        Assert.Equal(7, r.ExitsByOccupation.Month(2)[1 * 3 + 2]);
        Assert.Equal(7, r.ExitsByOccupation.Cell(2, 1)[2]);
        Assert.Equal(7, r.ExitOccupation[^1]);   // the last month, insats and occupation is the array's end

        r.IncomeTransitions[1, 0, 1, 0] = 5;
        var month = new Cube<int>(r.IncomeTransitions.Month(1).ToArray(), 2, 2, 2);
        Assert.Equal(5, month[0, 1, 0]);
        Assert.Equal(5, r.IncomeTransition.Sum());

        r.PerInsats(r.Queue)[1, 0] = 3;
        Assert.Equal(3, r.PerInsats(r.Queue).Month(1)[0]);
        Assert.Equal(0, r.PerInsats(r.Queue).Month(0)[0] + r.PerInsats(r.Queue).Month(2)[0]);
    }

    [Fact]
    public void A_shards_exit_counts_land_in_their_month_row()
    {
        var r = ReplicateResult.Create(0, months: 4, incomes: 2, occupations: 2, insatser: 2, structural: 0, parties: 1, payers: 1, lines: 1, genders: 1,
            ExitRecords.Detail | ExitRecords.IncomeTransition | ExitRecords.OccupationTransition);
        var counts = new ExitCounts(r.Records(), insatser: 2, incomes: 2, occupations: 2);
        counts.Exit(i: 1, startIncome: 0, income: 1, startOccupation: 1, occupation: 0, months: 8);
        counts.AddTo(r, month: 2);
        Assert.Equal(1, r.ExitsByIncome[2, 1, 1]);
        Assert.Equal(8, r.Stays[2, 1]);
        Assert.Equal(1, r.StaysByBand[2, 1, Scenarios.RecordedCategory.StayBand(8)]);
        Assert.Equal(1, r.IncomeTransitions[2, 1, 0, 1]);
        Assert.Equal(1, r.OccupationTransitions[2, 1, 1, 0]);
        // Nothing anywhere else: one exit, counted once in each table.
        Assert.Equal([1, 8, 1, 1, 1], new long[] { r.ExitIncome.Sum(), r.StaySum.Sum(), r.StayBand.Sum(), r.IncomeTransition.Sum(), r.OccupationTransition.Sum() });
    }

    [Fact]
    public void A_replicate_result_travels_as_its_arrays_only()
    {
        // Between silos a result is JSON: its views must not be written a second time next to the arrays.
        var r = new TinyScenario { Replicates = 1 }.Run().Replicates[0];
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(r));
        var written = json.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        var stored = typeof(ReplicateResult).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToHashSet();
        Assert.Subset(stored, written);
        Assert.Empty(written.Except(stored));
        var back = JsonSerializer.Deserialize<ReplicateResult>(JsonSerializer.Serialize(r))!;
        Assert.Equal(ReplicateResultCodec.Encode(r), ReplicateResultCodec.Encode(back));
    }
}

file static class ReplicateResultRecords
{
    /// <summary>Which optional counts a result was made with (from which arrays are there).</summary>
    public static ExitRecords Records(this ReplicateResult r) =>
        (r.ExitIncome.Length > 0 ? ExitRecords.Detail : 0)
        | (r.IncomeTransition.Length > 0 ? ExitRecords.IncomeTransition : 0)
        | (r.OccupationTransition.Length > 0 ? ExitRecords.OccupationTransition : 0);
}
