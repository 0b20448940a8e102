using System.Text.Json;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>The same scenario and seed give identical numbers; another seed gives other numbers.</summary>
public class DeterminismTests
{
    private static string ResultJson(ulong? seed = null, int shards = 1, int parallelism = 4)
    {
        var scenario = ScenarioLoader.Load(Path.Combine(Repo.Scenarios, "example-forbund.yaml"));
        var run = Simulator.RunAsync(scenario, new RunOptions { Replicates = 12, Seed = seed, Shards = shards, MaxParallelism = parallelism })
            .GetAwaiter().GetResult();
        return ResultWriter.ToJson(Summariser.Summarise(run));
    }

    [Fact]
    public void Same_seed_gives_byte_identical_result_json()
    {
        Assert.Equal(ResultJson(), ResultJson());
    }

    [Fact]
    public void Different_seeds_give_different_numbers()
    {
        Assert.NotEqual(ResultJson(seed: 1), ResultJson(seed: 2));
    }

    [Fact]
    public void Results_do_not_depend_on_shard_count_or_thread_count()
    {
        // Randomness is keyed by participant, and counts are integers, so splitting people differently changes nothing.
        var one = ResultJson(shards: 1, parallelism: 1);
        Assert.Equal(one, ResultJson(shards: 7, parallelism: 4));
        Assert.Equal(one, ResultJson(shards: 3, parallelism: 2));
    }

    [Fact]
    public async Task A_parallel_shard_run_equals_a_sequential_one_replicate_by_replicate()
    {
        var ix = new ScenarioIndex(ScenarioLoader.Load(Path.Combine(Repo.Scenarios, "example-forbund.yaml")));
        var sequential = await Simulator.RunReplicateAsync(ix, 3);
        var parallel = await Simulator.RunReplicateAsync(ix, 3, shards: 5, parallelShards: true);
        Assert.Equal(JsonSerializer.Serialize(sequential), JsonSerializer.Serialize(parallel));
    }

    [Fact]
    public void Written_result_folder_is_identical_across_runs()
    {
        var a = Path.Combine(Path.GetTempPath(), "finsam-det-a-" + Guid.NewGuid().ToString("N"));
        var b = Path.Combine(Path.GetTempPath(), "finsam-det-b-" + Guid.NewGuid().ToString("N"));
        try
        {
            ResultWriter.Write(ResultWriter.FromJson(ResultJson()), a);
            ResultWriter.Write(ResultWriter.FromJson(ResultJson()), b);
            var names = Directory.GetFiles(a).Select(Path.GetFileName).Order().ToList();
            Assert.Contains("result.json", names);
            Assert.Contains("headline.csv", names);
            foreach (var name in names)
                Assert.Equal(File.ReadAllBytes(Path.Combine(a, name!)), File.ReadAllBytes(Path.Combine(b, name!)));
        }
        finally
        {
            if (Directory.Exists(a)) Directory.Delete(a, true);
            if (Directory.Exists(b)) Directory.Delete(b, true);
        }
    }
}
