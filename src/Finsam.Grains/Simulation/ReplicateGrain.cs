using System.Diagnostics;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Microsoft.Extensions.Hosting;

namespace Finsam.Grains.Simulation;

/// <summary>One Monte Carlo replicate: ticks the months through its shard, insats and party grains.</summary>
[Alias("finsam.IReplicateGrain")]
public interface IReplicateGrain : IGrainWithStringKey
{
    /// <summary>Runs the replicate, or returns its stored result if it already ran (so a retry never counts it twice).</summary>
    [Alias("Run")] Task<ReplicateResult> RunAsync(ReplicateSpec spec, CancellationToken ct = default);

    /// <summary>Drops the stored result once the run has merged it.</summary>
    [Alias("Forget")] Task ForgetAsync();
}

[GenerateSerializer, Alias("finsam.replicate-state")]
public sealed class ReplicateState
{
    [Id(0)] public ReplicateResult? Result { get; set; }
}

// Placed on the silo the run grain chose for it; its actors are stateless workers on the same silo.
[ReplicateSpreadPlacement]
public sealed class ReplicateGrain(
    ScenarioCache cache,
    ReplicateSlots slots,
    IHostApplicationLifetime lifetime,
    [PersistentState("replicate", "runs")] IPersistentState<ReplicateState> state) : Grain, IReplicateGrain
{
    public async Task<ReplicateResult> RunAsync(ReplicateSpec spec, CancellationToken ct = default)
    {
        if (state.State.Result is { } done) return done;

        ActivityContext.TryParse(spec.TraceParent, null, out var parent);
        using var activity = FinsamInstruments.ActivitySource.StartActivity("finsam.replicate", ActivityKind.Internal, parent);
        activity?.SetTag("finsam.run", spec.RunId);
        activity?.SetTag("finsam.replicate", spec.Replicate);
        activity?.SetTag("finsam.silo", RuntimeIdentity);
        ReplicateResult result;
        var model = cache.Acquire(spec);
        var actors = new GrainActors(GrainFactory, spec, model);
        try
        {
            // Activated before the slot is free, so their start-up overlaps the replicate before.
            await actors.InitAsync();
            using (await slots.EnterAsync(ct))
                result = await ReplicateCoordinator.RunAsync(model, actors, ct);
        }
        catch (Exception e) when (lifetime.ApplicationStopping.IsCancellationRequested && e is not OperationCanceledException)
        {
            // Whatever broke while the silo is stopping is the stop's doing: the run retries elsewhere.
            throw new OperationCanceledException($"replicate {spec.Replicate} stopped: its silo is shutting down", e);
        }
        finally
        {
            cache.Release(spec);
            await actors.FinishAsync();
        }
        // Stored outside the slot: the next replicate computes while this one is written.
        state.State.Result = result;
        await state.WriteStateAsync(ct);
        FinsamInstruments.ReplicatesCompleted.Add(1);
        activity?.SetTag("finsam.participant_months", result.ParticipantMonths);
        return result;
    }

    public async Task ForgetAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}
