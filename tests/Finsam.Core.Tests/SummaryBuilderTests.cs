using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>The streaming summary: any arrival order, retries, and rows spilled to disk give the same bytes.</summary>
public class SummaryBuilderTests
{
    private static RunResult Run(int replicates = 60) =>
        Simulator.RunAsync(ScenarioLoader.Load(Path.Combine(Repo.Scenarios, "rar-sormland-2007.yaml")), new RunOptions { Replicates = replicates })
            .GetAwaiter().GetResult();

    [Fact]
    public void Rows_spilled_to_disk_in_any_order_with_retries_give_the_same_result_json()
    {
        var run = Run();
        var expected = ResultWriter.ToJson(Summariser.Summarise(run));

        // The smallest budget (1 MiB) keeps a few rows in memory and spills the rest.
        using var builder = new SummaryBuilder(run.Scenario, run.Index, memoryBudgetBytes: 1);
        var order = run.Replicates.OrderBy(r => (r.Replicate * 37) % 61).ToList();
        foreach (var r in order) Assert.True(builder.Add(r));
        Assert.False(builder.Add(run.Replicates[5]));   // a retried replicate never counts twice
        Assert.Equal(expected, ResultWriter.ToJson(builder.Build()));
    }

    [Fact]
    public void A_summary_with_a_replicate_missing_is_refused()
    {
        var run = Run(8);
        using var builder = new SummaryBuilder(run.Scenario, run.Index);
        foreach (var r in run.Replicates.Skip(1)) builder.Add(r);
        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public void The_row_store_spills_beyond_its_budget_and_reads_every_column_back()
    {
        using var rows = new SummaryRows(width: 300, memoryBudgetBytes: 1);
        for (var r = 0; r < 2000; r++)
        {
            var row = Enumerable.Range(0, 300).Select(c => r * 1000.0 + c).ToArray();
            Assert.True(rows.Add(r, row));
        }
        Assert.True(rows.Spilled);
        var seen = 0;
        rows.ForEachColumn((c, values) =>
        {
            Assert.Equal(2000, values.Length);
            Assert.Equal(Enumerable.Range(0, 2000).Select(r => r * 1000.0 + c), values.Order());
            seen++;
        });
        Assert.Equal(300, seen);
    }

    [Fact]
    public async Task A_scenario_round_trips_through_json_to_the_same_results()
    {
        var scenario = Simulator.Apply(ScenarioLoader.Load(Path.Combine(Repo.Scenarios, "varend-2016-2018.yaml")), new RunOptions { Replicates = 6 });
        var copy = ScenarioJson.Deserialize(ScenarioJson.Serialize(scenario));
        var a = ResultWriter.ToJson(Summariser.Summarise(await Simulator.RunAsync(scenario, new RunOptions())));
        var b = ResultWriter.ToJson(Summariser.Summarise(await Simulator.RunAsync(copy, new RunOptions())));
        Assert.Equal(a, b);
    }

    [Fact]
    public void A_replicate_result_round_trips_through_its_byte_form()
    {
        var r = Run(1).Replicates[0];
        var back = ReplicateResultCodec.Decode(ReplicateResultCodec.Encode(r));
        Assert.Equal(ReplicateResultCodec.Encode(r), ReplicateResultCodec.Encode(back));
        Assert.Equal(r.Admitted, back.Admitted);
        Assert.Equal(r.PartyPaid, back.PartyPaid);
        Assert.Equal(r.ParticipantMonths, back.ParticipantMonths);
    }
}
