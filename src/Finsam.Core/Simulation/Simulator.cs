using Finsam.Core.Results;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Simulation;

/// <summary>How to run: seeds and replicates override the scenario's; shards and threads only change speed.</summary>
public sealed record RunOptions
{
    public int? Replicates { get; init; }
    public ulong? Seed { get; init; }
    /// <summary>Participant shards per replicate. Results do not depend on it (randomness is per participant).</summary>
    public int Shards { get; init; } = 1;
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>All replicates of a run, in replicate order.</summary>
public sealed record RunResult(Scenario Scenario, ScenarioIndex Index, IReadOnlyList<ReplicateResult> Replicates);

/// <summary>Runs a scenario's Monte Carlo replicates in this process, on all cores.</summary>
public static class Simulator
{
    public static Scenario Apply(Scenario scenario, RunOptions options) => scenario with
    {
        Seed = options.Seed ?? scenario.Seed,
        Replicates = options.Replicates ?? scenario.Replicates,
    };

    /// <summary>Runs every replicate in this process and gathers them in replicate order.</summary>
    public static Task<RunResult> RunAsync(Scenario scenario, RunOptions options, IProgress<int>? progress = null, CancellationToken ct = default) =>
        new LocalReplicateRunner(options.MaxParallelism, options.Shards).RunAllAsync(scenario, options, progress, ct);

    public static Task<ReplicateResult> RunReplicateAsync(ScenarioIndex ix, int replicate, int shards = 1, bool parallelShards = false, CancellationToken ct = default)
    {
        var model = new ReplicateModel(ix, replicate);
        return ReplicateCoordinator.RunAsync(model, new LocalActors(model, shards, parallelShards), ct);
    }
}
