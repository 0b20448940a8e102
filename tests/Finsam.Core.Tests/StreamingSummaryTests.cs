using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using MathNet.Numerics.Statistics;

namespace Finsam.Core.Tests;

/// <summary>
/// The summary's memory does not grow with replicates: no object per replicate is kept, per-replicate figures
/// go to a file beyond a budget, and every path gives the bytes of sorting every value.
/// </summary>
public class StreamingSummaryTests
{
    /// <summary>The statistic as it was computed before selection and in-place work: filter, sort, MathNet R7.</summary>
    private static Stat? Reference(IEnumerable<double> values)
    {
        var data = values.Where(double.IsFinite).ToArray();
        if (data.Length == 0) return null;
        Array.Sort(data);
        return new Stat(Stat.Round(data.Average()),
            Stat.Round(SortedArrayStatistics.QuantileCustom(data, Stat.Low, QuantileDefinition.R7)),
            Stat.Round(SortedArrayStatistics.QuantileCustom(data, 0.5, QuantileDefinition.R7)),
            Stat.Round(SortedArrayStatistics.QuantileCustom(data, Stat.High, QuantileDefinition.R7)));
    }

    public static TheoryData<string> Kinds() => ["counts", "few-counts", "reals", "constant", "constant-real", "gaps", "signed-zero", "huge", "one"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Selection_and_sorting_give_the_bits_of_a_full_sort(string kind)
    {
        var rng = new Random(kind.GetHashCode(StringComparison.Ordinal) & 0xffff);
        for (var trial = 0; trial < 200; trial++)
        {
            var n = kind == "one" ? 1 : rng.Next(1, 3000);
            var values = new double[n];
            for (var k = 0; k < n; k++)
                values[k] = kind switch
                {
                    "counts" => rng.Next(0, 400),
                    "few-counts" => rng.Next(0, 3) - 1,
                    "reals" => rng.NextDouble() * 1e6 - 2e5,
                    "constant" => 7,
                    "constant-real" => 0.1,
                    "gaps" => rng.Next(4) == 0 ? double.NaN : rng.Next(3) == 0 ? double.PositiveInfinity : rng.Next(0, 50),
                    "signed-zero" => rng.Next(3) switch { 0 => -0.0, 1 => 0.0, _ => rng.Next(-2, 3) },
                    "huge" => rng.Next(0, 1000) * 1e13,
                    _ => rng.Next(),
                };
            var expected = Reference(values);
            Assert.Equal(expected, Stat.Of(values));
            var shuffled = values.OrderBy(_ => rng.Next()).ToArray();
            Assert.Equal(expected, Stat.OfInPlace(shuffled));
        }
    }

    private static RunResult Run(string file, int replicates) =>
        Simulator.RunAsync(ScenarioLoader.Load(Path.Combine(Repo.Scenarios, file)), new RunOptions { Replicates = replicates }).GetAwaiter().GetResult();

    [Theory]
    [InlineData("rar-sormland-2007.yaml")]
    [InlineData("example-forbund.yaml")]
    public void Spilled_rows_and_tables_give_the_same_files_as_memory(string file)
    {
        var run = Run(file, 40);
        var inMemory = Summariser.Summarise(run);
        var table = Assert.IsType<ReplicateTable>(inMemory.Replicates);
        Assert.False(table.OnDisk);

        using var builder = new SummaryBuilder(run.Scenario, run.Index, memoryBudgetBytes: 1);
        foreach (var r in run.Replicates.Reverse()) builder.Add(r);
        var spilled = builder.Build();
        Assert.True(Assert.IsType<ReplicateTable>(spilled.Replicates).OnDisk);
        if (spilled.Economics is { } e) Assert.True(Assert.IsType<ReplicateTable>(e.Replicates).OnDisk);

        Assert.Equal(ResultWriter.ToJson(inMemory), ResultWriter.ToJson(spilled));
        Assert.Equal(ResultWriter.Files(inMemory), ResultWriter.Files(spilled));
    }

    [Fact]
    public void Per_replicate_files_from_a_table_read_as_from_a_list_of_rows()
    {
        var s = Summariser.Summarise(Run("example-forbund.yaml", 30));
        Assert.IsType<ReplicateTable>(s.Replicates);
        var asLists = s with
        {
            Replicates = s.Replicates.ToList(),
            Economics = s.Economics! with { Replicates = s.Economics.Replicates.ToList() },
        };
        var fromTables = ResultWriter.Files(s);
        var fromLists = ResultWriter.Files(asLists);
        foreach (var name in new[] { "replicates.csv", "replicates_parties.csv", "economics_replicates.csv" })
        {
            Assert.Equal(fromLists[name], fromTables[name]);
            var lines = fromTables[name].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            Assert.Equal(1 + 30 * (name == "replicates_parties.csv" ? s.Parties.Count : 1), lines);
        }
    }

    [Fact]
    public void Per_replicate_figures_are_the_replicates_own()
    {
        var run = Run("example-forbund.yaml", 24);
        var s = Summariser.Summarise(run);
        Assert.Equal(run.Replicates.Count, s.Replicates.Count);
        for (var k = 0; k < run.Replicates.Count; k++)
        {
            var r = run.Replicates[k];
            var row = s.Replicates[k];
            Assert.Equal(r.Replicate, row.Replicate);
            Assert.Equal((IReadOnlyDictionary<string, double?>)Summariser.Headline(r), row.Figures);
            var contribution = r.PerParty(r.PartyContribution);
            for (var p = 0; p < run.Index.Parties.Length; p++)
            {
                var total = 0.0;
                for (var m = 0; m < r.Months; m++) total += contribution[m, p];
                Assert.Equal(Stat.Round(total), row.Parties![p].Contribution);
            }
            var account = Economics.SocioEconomics.ForReplicate(run.Index, run.Scenario.Economics!, new Economics.ReplicateLedger(r));
            Assert.Equal(account.Figures, s.Economics!.Replicates[k].Figures);
        }
    }

    [Fact]
    public void A_replicate_table_reads_back_what_was_written_from_memory_and_from_disk()
    {
        foreach (var budget in new[] { ReplicateTable.MemoryBudgetBytes, 1L })
        {
            var table = new ReplicateTable(["a", "b"], ["FK"], 3000, budget);
            Assert.Equal(budget == 1, table.OnDisk);
            for (var c = 0; c < table.Width; c++)
                table.SetColumn(c, Enumerable.Range(0, 3000).Select(r => c == 1 && r % 7 == 0 ? double.NaN : r * 10.0 + c).ToArray());
            Assert.Equal(Enumerable.Range(0, 3000).Select(r => r * 10.0), table.Column("a"));
            Assert.Null(table.Column("missing"));
            var rows = table.ToList();
            Assert.Equal(3000, rows.Count);
            Assert.Equal(2999, rows[^1].Replicate);
            Assert.Null(rows[14].Figures["b"]);
            Assert.Equal(1501.0, rows[150].Figures["b"]);
            Assert.Equal(new PartyFigures("FK", 2992, 2993, 2994, 2995, 2996), table[299].Parties![0]);
        }
    }

    [Fact]
    public void Columns_come_back_in_replicate_order_whatever_order_rows_were_added()
    {
        using var rows = new SummaryRows(width: 40, memoryBudgetBytes: 1);   // 1.6 MB of rows against the smallest budget, 1 MiB
        var order = Enumerable.Range(0, 5000).OrderBy(r => (r * 7919) % 5003).ToList();
        foreach (var r in order) Assert.True(rows.Add(r, Enumerable.Range(0, 40).Select(c => r + c * 0.25).ToArray()));
        Assert.True(rows.Spilled);
        var seen = 0;
        rows.ForEachColumn((c, values) =>
        {
            Assert.Equal(Enumerable.Range(0, 5000).Select(r => r + c * 0.25), values);
            seen++;
        });
        Assert.Equal(40, seen);
    }
}
