using System.Diagnostics;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Microsoft.Extensions.Hosting;
using Orleans.Concurrency;

namespace Finsam.Grains.Simulation;

/// <summary>One Monte Carlo replicate of a run, computed whole on its silo by the in-process engine.</summary>
[Alias("finsam.IReplicateGrain")]
public interface IReplicateGrain : IGrainWithStringKey
{
    /// <summary>Runs the replicate, or returns its stored result if it already ran (so a retry never counts it twice).</summary>
    [Alias("Run")] Task<Immutable<ReplicateResult>> RunAsync(ReplicateSpec spec, CancellationToken ct = default);

    /// <summary>Drops the stored result once the run has merged it.</summary>
    [Alias("Forget")] Task ForgetAsync();
}

[GenerateSerializer, Alias("finsam.replicate-state")]
public sealed class ReplicateState
{
    /// <summary>The result in <see cref="ReplicateResultCodec"/> form: storage writes bytes, not a JSON tree of 28 arrays.</summary>
    [Id(0)] public byte[]? Result { get; set; }
}

// Placed on the silo the run grain chose for it.
[ReplicateSpreadPlacement]
public sealed class ReplicateGrain(
    SiloScenarios scenarios,
    ReplicateSlots slots,
    IHostApplicationLifetime lifetime,
    [PersistentState("replicate", "runs")] IPersistentState<ReplicateState> state) : Grain, IReplicateGrain
{
    public async Task<Immutable<ReplicateResult>> RunAsync(ReplicateSpec spec, CancellationToken ct = default)
    {
        if (state.State.Result is { } done) return ReplicateResultCodec.Decode(done).AsImmutable();

        using var activity = ReplicateWork.StartActivity(spec, RuntimeIdentity);
        ReplicateResult result;
        try
        {
            using (await slots.EnterAsync(ct))
                result = await ReplicateWork.RunAsync(scenarios, spec.Scenario, spec.Replicate, spec.ShardCount, ct);
        }
        catch (Exception e) when (lifetime.ApplicationStopping.IsCancellationRequested && e is not OperationCanceledException)
        {
            // Whatever broke while the silo is stopping is the stop's doing: the run retries elsewhere.
            throw new OperationCanceledException($"replicate {spec.Replicate} stopped: its silo is shutting down", e);
        }
        // Stored outside the slot: the next replicate computes while this one is written.
        var stored = Finsam.Core.Diagnostics.Timings.Start();
        state.State.Result = ReplicateResultCodec.Encode(result);
        await state.WriteStateAsync(ct);
        Finsam.Core.Diagnostics.Timings.Add("replicate result stored", stored);
        ReplicateWork.Record(scenarios, spec, result, activity);
        return result.AsImmutable();
    }

    public async Task ForgetAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}

/// <summary>Runs one replicate of a scenario with the in-process engine, off the grain scheduler.</summary>
internal static class ReplicateWork
{
    /// <summary>The replicate's span, joined to its run's trace and tagged with the silo.</summary>
    public static Activity? StartActivity(ReplicateSpec spec, string silo)
    {
        ActivityContext.TryParse(spec.TraceParent, null, out var parent);
        var activity = FinsamInstruments.ActivitySource.StartActivity("finsam.replicate", ActivityKind.Internal, parent);
        activity?.SetTag("finsam.run", spec.RunId);
        activity?.SetTag("finsam.replicate", spec.Replicate);
        activity?.SetTag("finsam.silo", silo);
        return activity;
    }

    /// <summary>Counts a finished replicate in the silo's metrics.</summary>
    public static void Record(SiloScenarios scenarios, ReplicateSpec spec, ReplicateResult result, Activity? activity)
    {
        FinsamInstruments.ReplicatesCompleted.Add(1);
        FinsamInstruments.ParticipantMonths.Add(result.ParticipantMonths);
        // The replicate runs whole on one silo, so its insatser's queues are reported once, as they stand at the horizon's end.
        var ix = scenarios.Index(spec.Scenario);
        var queue = result.PerInsats(result.Queue).Month(result.Months - 1);
        for (var i = 0; i < ix.Individual.Length; i++) FinsamInstruments.RecordQueueLength(ix.Individual[i].Id, queue[i]);
        activity?.SetTag("finsam.participant_months", result.ParticipantMonths);
    }

    public static Task<ReplicateResult> RunAsync(SiloScenarios scenarios, ScenarioBlob scenario, int replicate, int shards, CancellationToken ct) =>
        RunAsync(() => scenarios.Index(scenario), replicate, shards, ct);

    public static Task<ReplicateResult> RunAsync(Func<ScenarioIndex> index, int replicate, int shards, CancellationToken ct)
    {
        // A national replicate computes for seconds, and building the scenario's index takes milliseconds: not on the activation's turn.
        return Task.Run(async () =>
        {
            var t = Finsam.Core.Diagnostics.Timings.Start();
            var ix = index();
            var result = await Simulator.RunReplicateAsync(ix, replicate, Math.Max(1, shards), parallelShards: shards > 1, ct);
            Finsam.Core.Diagnostics.Timings.Add("replicate simulated", t);
            return result;
        }, ct);
    }
}
