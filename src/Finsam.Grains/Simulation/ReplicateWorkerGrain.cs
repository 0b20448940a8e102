using Finsam.Core.Results;
using Orleans.Concurrency;

namespace Finsam.Grains.Simulation;

/// <summary>
/// A silo's replicate runner for work that needs no stored progress (calibration, backtests,
/// throughput queries): one activation per silo, keyed and placed by the silo's address, running
/// batches of replicates with the in-process engine, one per core (<see cref="ReplicateSlots"/>).
/// </summary>
[Alias("finsam.IReplicateWorkerGrain")]
public interface IReplicateWorkerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs the given replicates of the scenario; answers in the order asked, or with null when the
    /// reference carries no base JSON and this silo does not hold the base (send it again with it).
    /// </summary>
    [Alias("RunRef")] Task<Immutable<ReplicateResult[]?>> RunAsync(ScenarioRef scenario, int[] replicates, CancellationToken ct = default);

    /// <summary>
    /// For the given replicates, the forecasts of the named recorded results
    /// (<see cref="Finsam.Core.Simulation.ReplicateRunners.Forecasts"/>), computed here so only those numbers
    /// travel; null as for <see cref="RunAsync(ScenarioRef, int[], CancellationToken)"/>.
    /// </summary>
    [Alias("Forecast")] Task<double[][]?> ForecastAsync(ScenarioRef scenario, int[] replicates, string[] recorded, CancellationToken ct = default);

    /// <summary>
    /// One replicate of a run whose results are not stored (<see cref="Runs.RunPersistence.SingleProcess"/>):
    /// computed in one of the silo's slots and handed back by reference.
    /// </summary>
    [Alias("RunOne")] Task<Immutable<ReplicateResult>> RunOneAsync(ReplicateSpec spec, CancellationToken ct = default);

    /// <summary>Replicates this silo computes at once.</summary>
    [Alias("Slots")] Task<int> GetSlotsAsync();
}

/// <summary>
/// The replicate worker of whichever silo a client's call arrives at. A client reaches a grain through one
/// of the gateways, chosen per grain id, so its calls to another silo's <see cref="IReplicateWorkerGrain"/>
/// may go through a second silo and back (both ways, every batch, on that silo's core). A stateless worker
/// runs where the call arrives: the client tries a few keys, learns which silo each reaches
/// (<see cref="GetSiloAsync"/>), and sends each silo's batches under its key (<see cref="OrleansReplicateRunner"/>).
/// Inside a silo every key is local, so silos use <see cref="IReplicateWorkerGrain"/>.
/// </summary>
[Alias("finsam.IReplicateGatewayWorkerGrain")]
public interface IReplicateGatewayWorkerGrain : IReplicateWorkerGrain
{
    /// <summary>The silo this activation runs on (<see cref="SiloAddress.ToParsableString"/>).</summary>
    [Alias("Silo")] Task<string> GetSiloAsync();
}

[Reentrant, ReplicateSpreadPlacement]
public sealed class ReplicateWorkerGrain(SiloScenarios scenarios, ReplicateSlots slots) : ReplicateWorkerBase(scenarios, slots), IReplicateWorkerGrain;

[Reentrant, StatelessWorker(1)]
public sealed class ReplicateGatewayWorkerGrain(SiloScenarios scenarios, ReplicateSlots slots, ILocalSiloDetails silo)
    : ReplicateWorkerBase(scenarios, slots), IReplicateGatewayWorkerGrain
{
    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());
}

/// <summary>What both workers do: batches of replicates with the in-process engine, one per core (<see cref="ReplicateSlots"/>).</summary>
public abstract class ReplicateWorkerBase(SiloScenarios scenarios, ReplicateSlots slots) : Grain
{
    public async Task<Immutable<ReplicateResult[]?>> RunAsync(ScenarioRef scenario, int[] replicates, CancellationToken ct = default)
    {
        if (scenarios.Find(scenario) is not { } index) return new Immutable<ReplicateResult[]?>(null);
        // Telemetry shows which silo ran which batch (the fan-out of a calibration or a planner query).
        using var activity = FinsamInstruments.ActivitySource.StartActivity("finsam.replicates");
        activity?.SetTag("finsam.silo", RuntimeIdentity);
        activity?.SetTag("finsam.replicates.first", replicates.Length > 0 ? replicates[0] : -1);
        activity?.SetTag("finsam.replicates.count", replicates.Length);
        activity?.SetTag("finsam.replicates.via-gateway", this is ReplicateGatewayWorkerGrain);
        var t = Finsam.Core.Diagnostics.Timings.Start();
        var results = await Task.WhenAll(replicates.Select(async r =>
        {
            using (await slots.EnterAsync(ct))
                return await ReplicateWork.RunAsync(() => index.Value, r, 1, ct);
        }));
        FinsamInstruments.ReplicatesCompleted.Add(results.Length);
        Finsam.Core.Diagnostics.Timings.Add("batch (silo)", t);
        return new Immutable<ReplicateResult[]?>(results);
    }

    public async Task<double[][]?> ForecastAsync(ScenarioRef scenario, int[] replicates, string[] recorded, CancellationToken ct = default)
    {
        if (scenarios.Find(scenario) is not { } index) return null;
        using var activity = FinsamInstruments.ActivitySource.StartActivity("finsam.replicates");
        activity?.SetTag("finsam.silo", RuntimeIdentity);
        activity?.SetTag("finsam.replicates.first", replicates.Length > 0 ? replicates[0] : -1);
        activity?.SetTag("finsam.replicates.count", replicates.Length);
        activity?.SetTag("finsam.replicates.via-gateway", this is ReplicateGatewayWorkerGrain);
        var values = await Task.WhenAll(replicates.Select(async r =>
        {
            using (await slots.EnterAsync(ct))
            {
                var result = await ReplicateWork.RunAsync(() => index.Value, r, 1, ct);
                return Finsam.Core.Simulation.ReplicateRunners.Forecasts(index.Value, recorded, result);
            }
        }));
        FinsamInstruments.ReplicatesCompleted.Add(values.Length);
        return values;
    }

    public async Task<Immutable<ReplicateResult>> RunOneAsync(ReplicateSpec spec, CancellationToken ct = default)
    {
        using var activity = ReplicateWork.StartActivity(spec, RuntimeIdentity);
        ReplicateResult result;
        using (await slots.EnterAsync(ct))
            result = await ReplicateWork.RunAsync(scenarios, spec.Scenario, spec.Replicate, spec.ShardCount, ct);
        ReplicateWork.Record(scenarios, spec, result, activity);
        return result.AsImmutable();
    }

    public Task<int> GetSlotsAsync() => Task.FromResult(slots.Count);
}
