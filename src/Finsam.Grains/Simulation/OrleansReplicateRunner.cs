using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Finsam.Core.Calibration;
using Finsam.Core.Diagnostics;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Finsam.Grains.Simulation;

/// <summary>
/// <see cref="IReplicateRunner"/> over an Orleans cluster: replicates are cut into batches and pulled
/// by the active silos' <see cref="IReplicateWorkerGrain"/>s — each silo keeps two batches per core in
/// flight and gets the next when one comes back, so a slower or busier silo simply takes fewer —
/// and results stream back batch by batch. A batch the cluster fails (a silo gone, a timeout) is sent
/// to another silo; keyed randomness makes the rerun identical.
/// What a calibration repeats per evaluation is kept: the silo list (re-read after 5 s or a failure),
/// and each base scenario's JSON and key (made once per scenario object, sent once per silo; after that
/// a batch carries only the edits, see <see cref="ScenarioRef"/>).
/// Used by clients (calibrate, backtest, throughput on a cluster) and inside silos (planner queries).
/// </summary>
/// <param name="viaGateways">
/// True in a client: each silo's batches go to a <see cref="IReplicateGatewayWorkerGrain"/> key that reaches that
/// silo's own gateway, so they are not passed on through another silo (false inside a silo, where those are local).
/// </param>
public sealed class OrleansReplicateRunner(IGrainFactory grains, string description = "cluster", ILogger? logger = null, bool viaGateways = false) : IReplicateRunner
{
    private const int Attempts = 5;
    private const int BatchesInFlightPerCore = 2;
    private static readonly TimeSpan SilosFreshFor = TimeSpan.FromSeconds(5);
    private readonly ILogger _log = logger ?? NullLogger.Instance;
    private readonly ConditionalWeakTable<Scenario, ScenarioBlob> _blobs = new();
    private readonly ConcurrentDictionary<(SiloAddress Silo, string BaseKey), bool> _held = new();
    private readonly SemaphoreSlim _silosGate = new(1, 1);
    private (IReadOnlyList<(SiloAddress Silo, int Slots)> List, DateTime At)? _silos;
    private readonly ConcurrentDictionary<SiloAddress, string> _gatewayKeys = new();

    public string Description => description;

    public IAsyncEnumerable<ReplicateResult> RunAsync(Scenario scenario, CancellationToken ct = default) =>
        RunAsync(scenario, ScenarioEdits.None, ct);

    public IAsyncEnumerable<ReplicateResult> RunAsync(Scenario scenario, ScenarioEdits edits, CancellationToken ct = default) =>
        FanOutAsync<ReplicateResult>(scenario, [edits], (worker, reference, _, replicates) => Whole(worker.RunAsync(reference, replicates, ct)), ct);

    public async IAsyncEnumerable<(int Replicate, double[] Values)> ForecastAsync(Scenario scenario, ScenarioEdits edits, IReadOnlyList<string> recorded,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var (_, r, v) in ForecastAsync(scenario, [edits], recorded, ct)) yield return (r, v);
    }

    /// <summary>Every (edit, replicate) in one queue, so the silos pull from all of them and none waits at the end of one edit.</summary>
    public IAsyncEnumerable<(int Edit, int Replicate, double[] Values)> ForecastAsync(Scenario scenario, IReadOnlyList<ScenarioEdits> edits,
        IReadOnlyList<string> recorded, CancellationToken ct = default)
    {
        var ids = recorded.ToArray();
        return FanOutAsync(scenario, edits, (worker, reference, edit, replicates) => Numbered(edit, replicates, worker.ForecastAsync(reference, replicates, ids, ct)), ct);
    }

    private static async Task<ReplicateResult[]?> Whole(Task<Orleans.Concurrency.Immutable<ReplicateResult[]?>> call) => (await call).Value;

    private static async Task<(int, int, double[])[]?> Numbered(int edit, int[] replicates, Task<double[][]?> call) =>
        await call is { } values ? replicates.Zip(values, (r, v) => (edit, r, v)).ToArray() : null;

    /// <summary>
    /// The replicates of each edited scenario, in batches the silos pull from one queue; <paramref name="call"/>
    /// runs one batch (of edit number <c>edit</c>) on a worker.
    /// </summary>
    private async IAsyncEnumerable<T> FanOutAsync<T>(Scenario scenario, IReadOnlyList<ScenarioEdits> edits,
        Func<IReplicateWorkerGrain, ScenarioRef, int, int[], Task<T[]?>> call, [EnumeratorCancellation] CancellationToken ct)
    {
        var t = Timings.Start();
        var blob = _blobs.GetValue(scenario, ScenarioBlob.Of);
        var references = edits.Select(e => ScenarioRef.Of(blob, e.IsEmpty ? null : ScenarioJson.Serialize(e))).ToArray();
        Timings.Add("scenario reference made (runner)", t);
        t = Timings.Start();
        var silos = await SilosAsync();
        Timings.Add("silos known (runner)", t);

        // About four batches per core and edit: small enough to balance, large enough that a call carries real work.
        var cut = Batches(scenario.Replicates, Math.Max(1, silos.Sum(s => s.Slots) * 4));
        var pending = new Queue<(int Edit, int[] Replicates, int Attempt)>(
            Enumerable.Range(0, references.Length).SelectMany(e => cut.Select(b => (e, b, 0))));
        var running = new Dictionary<Task<T[]?>, (int Edit, int[] Replicates, int Attempt, SiloAddress Silo)>();
        var inFlight = silos.ToDictionary(s => s.Silo, _ => 0);
        var suspects = new HashSet<SiloAddress>();
        var delayed = new List<Task<(int Edit, int[] Replicates, int Attempt)>>();

        void Dispatch()
        {
            while (pending.Count > 0)
            {
                // The trusted silo with the most room; a suspect one only when every silo is suspect.
                var open = silos.Where(s => inFlight[s.Silo] < s.Slots * BatchesInFlightPerCore).ToList();
                var trusted = open.Where(s => !suspects.Contains(s.Silo)).ToList();
                var choice = (trusted.Count > 0 ? trusted : suspects.Count == silos.Count ? open : [])
                    .OrderBy(s => (double)inFlight[s.Silo] / s.Slots).Select(s => s.Silo).FirstOrDefault();
                if (choice is null) return;
                var (edit, replicates, attempt) = pending.Dequeue();
                inFlight[choice]++;
                running.Add(RunBatchAsync(references[edit], edit, replicates, choice, call), (edit, replicates, attempt, choice));
            }
        }

        Dispatch();
        while (running.Count > 0 || delayed.Count > 0)
        {
            var waiting = running.Keys.Cast<Task>().Concat(delayed).ToList();
            var finished = await Task.WhenAny(waiting);
            if (finished is Task<(int Edit, int[] Replicates, int Attempt)> retry)
            {
                delayed.Remove(retry);
                pending.Enqueue(await retry);
                Dispatch();
                continue;
            }
            var batch = (Task<T[]?>)finished;
            var (edit, replicates, attempt, silo) = running[batch];
            running.Remove(batch);
            inFlight[silo]--;
            T[]? results;
            try
            {
                results = await batch;
            }
            catch (Exception e) when (attempt + 1 < Attempts && Runs.RunGrain.IsClusterFailure(e, ct))
            {
                _log.LogWarning(e, "Replicates {First}–{Last} failed on {Silo}; retrying elsewhere", replicates[0], replicates[^1], silo);
                suspects.Add(silo);
                _silos = null;   // re-read the membership before the next run
                _gatewayKeys.TryRemove(silo, out _);   // and find its gateway again: the client may have moved the key
                delayed.Add(Later(edit, replicates, attempt + 1, ct));
                Dispatch();
                continue;
            }
            if (results is null)
            {
                // The silo no longer holds the base scenario: the next batch for it carries the JSON again.
                _held.TryRemove((silo, blob.Key), out _);
                pending.Enqueue((edit, replicates, attempt));
            }
            else
            {
                foreach (var r in results) yield return r;
            }
            Dispatch();
        }
    }

    private static async Task<(int Edit, int[] Replicates, int Attempt)> Later(int edit, int[] replicates, int attempt, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(250 << (attempt - 1)), ct);
        return (edit, replicates, attempt);
    }

    private async Task<T[]?> RunBatchAsync<T>(ScenarioRef reference, int edit, int[] replicates, SiloAddress silo,
        Func<IReplicateWorkerGrain, ScenarioRef, int, int[], Task<T[]?>> call)
    {
        var t = Timings.Start();
        var held = _held.ContainsKey((silo, reference.BaseKey));
        var answer = await ReplicateSpreadPlacement.On(silo,
            () => call(Worker(silo), held ? reference.WithoutBase() : reference, edit, replicates));
        if (answer is not null && !held)
        {
            // A long-lived runner (a planner's grain) meets many scenarios: forget them all now and then.
            if (_held.Count > 1024) _held.Clear();
            _held[(silo, reference.BaseKey)] = true;
        }
        Timings.Add("batch round trip (runner)", t);
        return answer;
    }

    /// <summary>The silo's worker: the gateway key that reaches it when one is known, else the worker placed on it.</summary>
    private IReplicateWorkerGrain Worker(SiloAddress silo) => _gatewayKeys.TryGetValue(silo, out var key)
        ? grains.GetGrain<IReplicateGatewayWorkerGrain>(key)
        : grains.GetGrain<IReplicateWorkerGrain>(silo.ToParsableString());

    /// <summary>
    /// Tries gateway-worker keys until each silo has one that reaches it (the client picks a gateway per key in
    /// turn, so a few tries suffice); a silo without one is reached through its placed worker.
    /// </summary>
    private async Task FindGatewayKeysAsync(IReadOnlyCollection<SiloAddress> silos)
    {
        foreach (var gone in _gatewayKeys.Keys.Where(s => !silos.Contains(s)).ToList()) _gatewayKeys.TryRemove(gone, out _);
        for (var k = 0; k < 4 * silos.Count + 4 && silos.Any(s => !_gatewayKeys.ContainsKey(s)); k++)
        {
            var key = $"gateway-{_gatewayTries++}";
            var at = await grains.GetGrain<IReplicateGatewayWorkerGrain>(key).GetSiloAsync();
            if (silos.FirstOrDefault(s => s.ToParsableString() == at) is { } silo) _gatewayKeys.TryAdd(silo, key);
        }
    }

    private int _gatewayTries;

    /// <summary>The active silos and their cores, asked at most every few seconds (and again after a failure).</summary>
    private async Task<IReadOnlyList<(SiloAddress Silo, int Slots)>> SilosAsync()
    {
        if (_silos is { } known && DateTime.UtcNow - known.At < SilosFreshFor) return known.List;
        await _silosGate.WaitAsync();
        try
        {
            if (_silos is { } again && DateTime.UtcNow - again.At < SilosFreshFor) return again.List;
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            var list = new List<(SiloAddress, int)>();
            foreach (var silo in hosts.Keys.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal))
            {
                var slots = await ReplicateSpreadPlacement.On(silo,
                    () => grains.GetGrain<IReplicateWorkerGrain>(silo.ToParsableString()).GetSlotsAsync());
                list.Add((silo, Math.Max(1, slots)));
            }
            if (list.Count == 0) throw new InvalidOperationException("the cluster has no active silo");
            if (viaGateways) await FindGatewayKeysAsync(list.Select(s => s.Item1).ToList());
            _silos = (list, DateTime.UtcNow);
            return list;
        }
        finally
        {
            _silosGate.Release();
        }
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

    public ValueTask DisposeAsync()
    {
        _silosGate.Dispose();
        return ValueTask.CompletedTask;
    }
}
