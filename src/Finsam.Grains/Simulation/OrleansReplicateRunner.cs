using System.Runtime.CompilerServices;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Finsam.Grains.Simulation;

/// <summary>
/// <see cref="IReplicateRunner"/> over an Orleans cluster: the scenario is serialised and keyed once,
/// its replicates are cut into batches and spread over the active silos' <see cref="IReplicateWorkerGrain"/>s
/// in proportion to their cores, and results stream back batch by batch. A batch the cluster fails
/// (a silo gone, a timeout) is sent to another silo; keyed randomness makes the rerun identical.
/// Used by clients (calibrate, backtest, throughput on a cluster) and inside silos (planner queries).
/// </summary>
public sealed class OrleansReplicateRunner(IGrainFactory grains, string description = "cluster", ILogger? logger = null) : IReplicateRunner
{
    private const int Attempts = 5;
    private readonly ILogger _log = logger ?? NullLogger.Instance;

    public string Description => description;

    public async IAsyncEnumerable<ReplicateResult> RunAsync(Scenario scenario, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var blob = ScenarioBlob.Of(scenario);
        var silos = await SilosAsync();
        // About four batches per core: small enough to balance, large enough that a call carries real work.
        var batches = Batches(scenario.Replicates, Math.Max(1, silos.Sum(s => s.Slots) * 4));
        var running = batches.Select((b, k) => RunBatchAsync(blob, b, silos, k, ct)).ToList();
        while (running.Count > 0)
        {
            var finished = await Task.WhenAny(running);
            running.Remove(finished);
            foreach (var r in await finished) yield return r;
        }
    }

    private async Task<ReplicateResult[]> RunBatchAsync(ScenarioBlob blob, int[] replicates, IReadOnlyList<(SiloAddress Silo, int Slots)> silos, int k, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var silo = Pick(silos, k + attempt);
            try
            {
                var answer = await ReplicateSpreadPlacement.On(silo,
                    () => grains.GetGrain<IReplicateWorkerGrain>(silo.ToParsableString()).RunAsync(blob, replicates, ct));
                return answer.Value;
            }
            catch (Exception e) when (attempt + 1 < Attempts && Runs.RunGrain.IsClusterFailure(e, ct))
            {
                _log.LogWarning(e, "Replicates {First}–{Last} failed on {Silo}; retrying elsewhere", replicates[0], replicates[^1], silo);
                await Task.Delay(TimeSpan.FromMilliseconds(250 << attempt), ct);
            }
        }
    }

    /// <summary>The k-th silo in a cycle where each silo appears once per core it has.</summary>
    private static SiloAddress Pick(IReadOnlyList<(SiloAddress Silo, int Slots)> silos, int k)
    {
        var total = silos.Sum(s => s.Slots);
        var at = k % total;
        foreach (var (silo, slots) in silos)
        {
            if (at < slots) return silo;
            at -= slots;
        }
        return silos[0].Silo;
    }

    private async Task<IReadOnlyList<(SiloAddress Silo, int Slots)>> SilosAsync()
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var list = new List<(SiloAddress, int)>();
        foreach (var silo in hosts.Keys.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal))
        {
            var slots = await ReplicateSpreadPlacement.On(silo,
                () => grains.GetGrain<IReplicateWorkerGrain>(silo.ToParsableString()).GetSlotsAsync());
            list.Add((silo, Math.Max(1, slots)));
        }
        if (list.Count == 0) throw new InvalidOperationException("the cluster has no active silo");
        return list;
    }

    /// <summary>Replicates 0 … n − 1 cut into at most <paramref name="count"/> contiguous batches.</summary>
    public static List<int[]> Batches(int n, int count)
    {
        var size = Math.Max(1, (n + count - 1) / count);
        var batches = new List<int[]>();
        for (var from = 0; from < n; from += size)
            batches.Add(Enumerable.Range(from, Math.Min(size, n - from)).ToArray());
        return batches;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
