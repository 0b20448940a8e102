using System.Text.Json;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>result.json stays the same size whatever the replicate count; the per-replicate rows live in their CSV files.</summary>
public class ResultFileTests
{
    private static RunSummary Summary(string file, int replicates)
    {
        var scenario = ScenarioLoader.Load(Path.Combine(Repo.Scenarios, file));
        return Summariser.Summarise(Simulator.RunAsync(scenario, new RunOptions { Replicates = replicates }).GetAwaiter().GetResult());
    }

    [Fact]
    public void Result_json_leaves_out_per_replicate_rows_and_does_not_grow_with_replicates()
    {
        var few = Summary("example-forbund.yaml", 8);
        var more = Summary("example-forbund.yaml", 40);
        var file = ResultWriter.FileJson(more);
        using (var doc = JsonDocument.Parse(file))
        {
            Assert.False(doc.RootElement.TryGetProperty("replicates", out _));
            Assert.False(doc.RootElement.GetProperty("economics").TryGetProperty("replicates", out _));
            Assert.True(doc.RootElement.TryGetProperty("sensitivity", out _));
        }
        // The same figures, five times the replicates: about the same size (numbers differ in width only).
        Assert.InRange((double)file.Length / ResultWriter.FileJson(few).Length, 0.8, 1.25);
        // The full form (what a cluster stores and sends) still carries them, and grows.
        Assert.Contains("\"replicates\": [", ResultWriter.ToJson(more), StringComparison.Ordinal);
        static int PerReplicatePart(RunSummary s) => ResultWriter.ToJson(s).Length - ResultWriter.FileJson(s).Length;
        Assert.InRange((double)PerReplicatePart(more) / PerReplicatePart(few), 4.5, 5.5);
    }

    [Fact]
    public void The_rows_left_out_are_in_the_csv_files_and_a_read_back_file_keeps_everything_else()
    {
        var s = Summary("example-forbund.yaml", 10);
        var files = ResultWriter.Files(s);
        Assert.Equal(1 + s.Replicates.Count, files["replicates.csv"].TrimEnd().Split('\n').Length);
        Assert.Equal(1 + s.Replicates.Count * s.Parties.Count, files["replicates_parties.csv"].TrimEnd().Split('\n').Length);
        Assert.Equal(1 + s.Economics!.Replicates.Count, files["economics_replicates.csv"].TrimEnd().Split('\n').Length);

        var back = ResultWriter.FromJson(files["result.json"]);
        Assert.Empty(back.Replicates);
        Assert.Empty(back.Economics!.Replicates);
        Assert.Equal(files["result.json"], ResultWriter.FileJson(back));
        Assert.Equal(files["headline.csv"], ResultWriter.Files(back)["headline.csv"]);
    }
}
