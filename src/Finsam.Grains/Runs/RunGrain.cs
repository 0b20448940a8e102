using Finsam.Core.Diagnostics;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;
using Finsam.Grains.Simulation;
using Finsam.Grains.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Finsam.Grains.Runs;

public enum RunState { NotStarted, Running, Completed, Failed, Cancelled }

/// <summary>What to run: the scenario (text, variant, overrides) and how to spread it.</summary>
[GenerateSerializer, Immutable, Alias("finsam.run-request")]
public sealed record RunRequest(
    [property: Id(0)] ScenarioPayload Scenario,
    [property: Id(1)] int Shards = 0,
    [property: Id(2)] int MaxConcurrentReplicates = 0);  // per silo; 0 = the silo's replicate slots + 1

[GenerateSerializer, Immutable, Alias("finsam.run-status")]
public sealed record RunStatus(
    [property: Id(0)] string RunId,
    [property: Id(1)] RunState State,
    [property: Id(2)] int Completed,
    [property: Id(3)] int Total,
    [property: Id(4)] string? ScenarioName,
    [property: Id(5)] string? Error,
    [property: Id(6)] string[] Problems,
    [property: Id(7)] string? Host = null,
    [property: Id(8)] double? Seconds = null)
{
    public bool IsFinished => State is RunState.Completed or RunState.Failed or RunState.Cancelled;
}

/// <summary>
/// A run: validates the scenario, fans its replicates out over the cluster, tracks progress, merges
/// the replicates into a summary and stores it. Its state survives silo failures; when it is next
/// called after one, it resumes with the replicates that are not yet done.
/// </summary>
[Alias("finsam.IRunGrain")]
public interface IRunGrain : IGrainWithStringKey
{
    [Alias("Start")] Task<RunStatus> StartAsync(RunRequest request);
    /// <summary>Progress; also wakes an interrupted run so it carries on.</summary>
    [Alias("Status")] Task<RunStatus> GetStatusAsync();
    /// <summary>The result.json text once completed, else null.</summary>
    [Alias("Result")] Task<string?> GetResultJsonAsync();
    /// <summary>
    /// The completed summary by reference, when this activation built it and its silo keeps nothing
    /// (<see cref="RunPersistence.SingleProcess"/>, the embedded silo, whose client shares the process);
    /// else null, and the caller reads <see cref="GetResultJsonAsync"/>.
    /// </summary>
    [Alias("Summary")] Task<Orleans.Concurrency.Immutable<RunSummary>?> GetSummaryAsync();
    [Alias("Cancel")] Task<RunStatus> CancelAsync();
}

[GenerateSerializer, Alias("finsam.run-grain-state")]
public sealed class RunGrainState
{
    [Id(0)] public RunRequest? Request { get; set; }
    [Id(1)] public RunState State { get; set; }
    [Id(2)] public int Total { get; set; }
    [Id(3)] public List<int> Completed { get; set; } = [];
    [Id(4)] public string? ScenarioName { get; set; }
    [Id(5)] public string? Error { get; set; }
    [Id(6)] public List<string> Problems { get; set; } = [];
    [Id(7)] public string? ResultJson { get; set; }
    [Id(8)] public int Shards { get; set; }
    /// <summary>Time spent running replicates and merging them, summed over activations (a resumed run counts each part).</summary>
    [Id(9)] public double Seconds { get; set; }
    /// <summary>What the run id is bound to; null in runs stored before it existed (then taken from <see cref="Request"/>).</summary>
    [Id(10)] public RunIdentity? Identity { get; set; }
}

public sealed class RunGrain(
    [PersistentState("run", "runs")] IPersistentState<RunGrainState> state,
    IHostApplicationLifetime lifetime,
    RunPersistence persistence,
    SiloScenarios scenarios,
    ILogger<RunGrain> logger) : Grain, IRunGrain
{
    /// <summary>How long a replicate is retried while the cluster gets over a lost silo.</summary>
    private static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan SiloRefresh = TimeSpan.FromSeconds(5);
    private CancellationTokenSource? _cancel;
    private Task? _driver;
    private bool _deactivating;
    private System.Diagnostics.Stopwatch? _clock;
    private HashSet<int>? _done;   // while driving: the replicates finished, ahead of the stored list
    private RunSummary? _summary;   // single process: the result, turned into JSON only when asked for
    // One write at a time: two overlapping writes carry the same ETag, and the second fails as a conflict.
    private readonly SemaphoreSlim _writes = new(1, 1);

    private RunGrainState S => state.State;

    /// <summary>
    /// This activation is going away (deactivated, or its silo is stopping): the run is not failing,
    /// it is handed to the next activation, which resumes from the stored state.
    /// </summary>
    private bool HandingOver => _deactivating || lifetime.ApplicationStopping.IsCancellationRequested;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A run that was going when its silo died carries on where it stopped.
        if (S.State == RunState.Running) StartDriver();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The next activation resumes from the stored state; this one must stop writing it.
        _deactivating = true;
        _cancel?.Cancel();
        // An idle run on a live single-process silo (finsam serve) keeps its result for later asks; a
        // silo that is stopping takes its in-memory storage with it, so nothing is written then.
        if (_summary is not null && S.ResultJson is null && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            S.ResultJson = ResultWriter.ToJson(_summary);
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<RunStatus> StartAsync(RunRequest request)
    {
        if (S.State != RunState.NotStarted)
        {
            // The run id names this run only: another scenario, variant, overlay, seed or count is refused.
            var differences = (S.Identity ?? RunIdentity.Of(S.Request!.Scenario)).DifferencesFrom(RunIdentity.Of(request.Scenario));
            if (differences.Count > 0) throw new RunIdInUseException(RunId, differences);
            if (S.State is RunState.Failed or RunState.Cancelled && S.Total > 0) await ResumeAsync();
            return Status();
        }
        S.Request = request;
        S.Identity = RunIdentity.Of(request.Scenario);
        try
        {
            // The embedded silo's client offers the scenario it already loaded and checked (same text, variant and options).
            var scenario = OfferedScenario() ?? request.Scenario.Load();
            S.ScenarioName = scenario.Name;
            S.Total = scenario.Replicates;
            S.Shards = request.Shards > 0 ? request.Shards : DefaultShards(new ScenarioIndex(scenario));
            S.State = RunState.Running;
        }
        catch (ScenarioException e)
        {
            S.State = RunState.Failed;
            S.Error = "the scenario is not valid";
            S.Problems = e.Diagnostics.Select(d => d.ToString()).ToList();
        }
        try
        {
            await SaveAsync();
        }
        catch
        {
            state.State = new RunGrainState();   // not stored, so not started: the caller may try again
            throw;
        }
        if (S.State == RunState.Running) StartDriver();
        return Status();
    }

    /// <summary>
    /// The same request again after the run failed (a database or cluster outage that outlasted the
    /// retries) or was cancelled: it carries on; replicates already stored are not run again.
    /// </summary>
    private async Task ResumeAsync()
    {
        if (_driver is { IsCompleted: false }) await _driver;   // a cancelled driver winding down
        logger.LogInformation("Run {Run}: resumed after it {State} ({Error})", RunId, S.State, S.Error);
        S.State = RunState.Running;
        S.Error = null;
        await SaveAsync();
        StartDriver();
    }

    public Task<RunStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<string?> GetResultJsonAsync()
    {
        if (S.State != RunState.Completed) return Task.FromResult<string?>(null);
        if (S.ResultJson is null && _summary is not null) S.ResultJson = ResultWriter.ToJson(_summary);
        return Task.FromResult(S.ResultJson);
    }

    public Task<Orleans.Concurrency.Immutable<RunSummary>?> GetSummaryAsync() =>
        Task.FromResult<Orleans.Concurrency.Immutable<RunSummary>?>(S.State == RunState.Completed && _summary is not null ? new Orleans.Concurrency.Immutable<RunSummary>(_summary) : null);

    public async Task<RunStatus> CancelAsync()
    {
        if (S.State != RunState.Running) return Status();
        S.State = RunState.Cancelled;
        _cancel?.Cancel();
        await SaveAsync();
        return Status();
    }

    private RunStatus Status() =>
        new(RunId, S.State, _done?.Count ?? S.Completed.Count, S.Total, S.ScenarioName, S.Error, [.. S.Problems], RuntimeIdentity,
            S.Seconds + (_clock?.Elapsed.TotalSeconds ?? 0));

    /// <summary>One shard per 100 000 expected participants (at most 16): results do not depend on it.</summary>
    public static int DefaultShards(ScenarioIndex ix) => (int)Math.Clamp(Math.Ceiling(ix.ExpectedParticipants() / 100_000.0), 1, 16);

    private void StartDriver()
    {
        if (_driver is { IsCompleted: false }) return;
        // A silo that is stopping stops dispatching at once; the run's next activation carries on.
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        // Runs in the grain's context: its continuations interleave with status calls between awaits.
        _driver = DriveAsync(_cancel.Token);
    }

    private async Task DriveAsync(CancellationToken ct)
    {
        using var activity = FinsamInstruments.ActivitySource.StartActivity("finsam.run");
        activity?.SetTag("finsam.run", this.GetPrimaryKeyString());
        FinsamInstruments.RunsActive.Add(1);
        _clock = System.Diagnostics.Stopwatch.StartNew();
        ScenarioBlob? blob = null;
        try
        {
            var request = S.Request!;
            var scenario = (persistence.KeepReplicateResults ? null : scenarios.TakeOffered(RunId)) ?? request.Scenario.Load();
            var ix = new ScenarioIndex(scenario);
            // Replicates are folded in as they finish; only their summary rows are kept.
            using var summaryBuilder = new SummaryBuilder(scenario, ix);
            var done = _done = new HashSet<int>(S.Completed);
            var loads = new SiloLoads(GrainFactory, request.MaxConcurrentReplicates, logger);
            await loads.RefreshAsync();
            // Serialised and keyed once per run, shared by every replicate; one silo in one process shares it by reference.
            blob = !persistence.KeepReplicateResults && loads.Count == 1 ? scenarios.Share(ix) : ScenarioBlob.Of(scenario);
            var refreshed = System.Diagnostics.Stopwatch.StartNew();
            var lastSave = DateTime.UtcNow;

            async Task One(int r, SiloAddress silo)
            {
                var spec = new ReplicateSpec(RunId, blob!, r, S.Shards, activity?.Id);
                var result = await RunReplicateAsync(spec, silo, loads, ct);
                var t = Timings.Start();
                summaryBuilder.Add(result);
                Timings.Add("summary row", t);
                done.Add(r);
                // Stored progress lets a resumed run fetch finished replicates from their grains; a single process keeps no
                // replicate results to fetch, and there each save only copied a growing list (100 000 replicates: ~1 MB of
                // large-object garbage a second, the embedded run's memory growing with its replicates).
                if (persistence.KeepReplicateResults && DateTime.UtcNow - lastSave > TimeSpan.FromSeconds(1) && !HandingOver && _writes.CurrentCount > 0)
                {
                    lastSave = DateTime.UtcNow;
                    await SaveProgressAsync(ct);
                }
            }

            // Replicates already done are fetched from their grains' storage, not run again.
            var pending = new Queue<int>(Enumerable.Range(0, S.Total));
            var running = new List<Task>();
            while (pending.Count > 0 || running.Count > 0)
            {
                if (refreshed.Elapsed > SiloRefresh)
                {
                    await loads.RefreshAsync();   // a silo that joined mid-run takes its share of the rest
                    refreshed.Restart();
                }
                while (pending.Count > 0 && loads.TryTake() is { } silo)
                    running.Add(One(pending.Dequeue(), silo));
                // Nothing in flight leaves every known silo with room (see SiloLoads.TryTake): only an empty view stops here.
                if (running.Count == 0)
                    throw new InvalidOperationException(loads.Count == 0 ? "the cluster has no active silo" : "no silo took a replicate although none was busy");
                var finished = await Task.WhenAny(running);
                running.Remove(finished);
                if (!finished.IsCompletedSuccessfully)
                {
                    await SettleAsync(running);   // let the others finish before the run fails
                    await finished;
                }
            }
            ct.ThrowIfCancellationRequested();

            var built = Timings.Start();
            // Off the grain's turn: summarising 100 000 replicates takes minutes, and status calls must be answered meanwhile.
            var summary = await Task.Run(summaryBuilder.Build, CancellationToken.None);
            Timings.Add("summary build", built);
            if (persistence.KeepReplicateResults)
            {
                var json = Timings.Start();
                S.ResultJson = ResultWriter.ToJson(summary);
                Timings.Add("result to JSON (run grain)", json);
            }
            else
            {
                _summary = summary;   // handed to the client in this process by reference; JSON only if asked for
            }
            S.State = RunState.Completed;
            S.Seconds += _clock.Elapsed.TotalSeconds;
            _clock = null;
            await SaveUntilStoredAsync();
        }
        catch (Exception) when (HandingOver)
        {
            // Whatever broke as the grain or its silo went away: the next activation resumes the run.
            logger.LogInformation("Run {Run} handed over (grain or silo going away)", RunId);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            logger.LogInformation("Run {Run} cancelled", RunId);
        }
        catch (InconsistentStateException e)
        {
            // The stored run is newer than ours (another activation, or a write whose answer was lost
            // with its connection): this activation goes, and the next call resumes from what is stored.
            logger.LogWarning(e, "Run {Run}: stored state changed under this activation; reloading it", RunId);
            DeactivateOnIdle();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Run {Run} failed", RunId);
            S.State = RunState.Failed;
            S.Error = e.Message;
            await SaveUntilStoredAsync();
        }
        finally
        {
            if (blob is not null) scenarios.Unshare(blob);
            FinsamInstruments.RunsActive.Add(-1);
        }
        if (S.State == RunState.Completed && !HandingOver && persistence.KeepReplicateResults)
        {
            var forget = Timings.Start();
            await ForgetReplicatesAsync();
            Timings.Add("replicate results dropped", forget);
        }
    }

    /// <summary>
    /// Stores the run. The storage provider serialises the state off the grain's thread, so a list
    /// handed to it must never change afterwards: the completed replicates go in as a fresh copy.
    /// </summary>
    private async Task SaveAsync(CancellationToken ct = default)
    {
        await _writes.WaitAsync(ct);
        try
        {
            if (_done is not null) S.Completed = [.. _done.Order()];
            await state.WriteStateAsync(ct);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// Stores the run's outcome, however long the database is away (the storage already retries for
    /// a while; this waits out longer outages). Gives up only when this activation is going away: the
    /// next one finds the run still running and finishes it again.
    /// </summary>
    private async Task SaveUntilStoredAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SaveAsync(CancellationToken.None);
                return;
            }
            catch (StorageUnavailableException e) when (!HandingOver)
            {
                logger.LogWarning(e, "Run {Run}: its outcome could not be stored yet (attempt {Attempt}); trying again", RunId, attempt);
                await Task.Delay(TimeSpan.FromSeconds(5));
            }
            catch (InconsistentStateException e)
            {
                logger.LogWarning(e, "Run {Run}: stored state changed under this activation; reloading it", RunId);
                DeactivateOnIdle();
                return;
            }
            catch (Exception e) when (HandingOver)
            {
                logger.LogInformation(e, "Run {Run}: outcome not stored; the next activation finishes the run", RunId);
                return;
            }
        }
    }

    /// <summary>Progress is stored so a resumed run skips finished replicates; losing one save only costs re-reading them.</summary>
    private async Task SaveProgressAsync(CancellationToken ct)
    {
        try
        {
            await SaveAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not InconsistentStateException)
        {
            logger.LogWarning(e, "Run {Run}: progress could not be stored; carrying on", RunId);
        }
    }

    /// <summary>
    /// Drops the replicates' stored results once the summary is stored. Best effort: the run is
    /// complete whatever happens here, and a result left behind only takes space. A batch is tried
    /// again after a pause, as right after a silo is lost the directory may still point at it.
    /// </summary>
    private async Task ForgetReplicatesAsync()
    {
        // A few at a time: each is a database write, and a run may have thousands.
        foreach (var batch in Enumerable.Range(0, S.Total).Chunk(16))
        {
            for (var attempt = 1; !HandingOver; attempt++)
            {
                try
                {
                    await Task.WhenAll(batch.Select(r => GrainFactory.GetGrain<IReplicateGrain>(Key(r)).ForgetAsync()));
                    break;
                }
                catch (Exception e) when (attempt < 3)
                {
                    logger.LogInformation(e, "Run {Run}: dropping replicates {First}–{Last} failed; trying again", RunId, batch[0], batch[^1]);
                    await Task.Delay(TimeSpan.FromSeconds(attempt));
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Run {Run}: stored results of replicates {First}–{Last} could not be dropped", RunId, batch[0], batch[^1]);
                    break;
                }
            }
        }
    }

    private string RunId => this.GetPrimaryKeyString();

    private Scenario? OfferedScenario() => persistence.KeepReplicateResults ? null : scenarios.Offered(RunId);

    private string Key(int replicate) => $"{RunId}/{replicate}";

    /// <summary>
    /// Runs a replicate on <paramref name="silo"/> (already counted in <paramref name="loads"/>). If
    /// the cluster fails it — a silo went away, a call timed out — it is retried on another silo for
    /// up to <see cref="RetryFor"/> from the first failure (a long replicate may fail late), while
    /// membership and the grain directory catch up. The
    /// replicate's keyed randomness makes a retry identical.
    /// </summary>
    private async Task<ReplicateResult> RunReplicateAsync(ReplicateSpec spec, SiloAddress silo, SiloLoads loads, CancellationToken ct)
    {
        DateTime? firstFailure = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // Stored by index on a cluster; streamed from the silo's worker when nothing outlives the process.
                    var result = persistence.KeepReplicateResults
                        ? await ReplicateSpreadPlacement.On(silo, () => GrainFactory.GetGrain<IReplicateGrain>(Key(spec.Replicate)).RunAsync(spec, ct))
                        : await ReplicateSpreadPlacement.On(silo, () => GrainFactory.GetGrain<IReplicateWorkerGrain>(silo.ToParsableString()).RunOneAsync(spec, ct));
                    return result.Value;
                }
                catch (Exception e) when (IsClusterFailure(e, ct) && DateTime.UtcNow - (firstFailure ??= DateTime.UtcNow) < RetryFor)
                {
                    logger.LogWarning(e, "Replicate {Replicate} failed on {Silo} (attempt {Attempt}); retrying", spec.Replicate, silo, attempt);
                    loads.Suspect(silo);
                    await Task.Delay(TimeSpan.FromMilliseconds(250 << Math.Min(attempt - 1, 4)), ct);   // 0.25 s doubling to 4 s
                    await loads.RefreshAsync();
                    var next = loads.TakeAny();
                    loads.Return(silo);
                    silo = next;
                }
            }
        }
        finally
        {
            loads.Return(silo);
        }
    }

    /// <summary>
    /// Whether a failed replicate call is the cluster's doing and worth retrying. A replicate's own
    /// code is deterministic, so its exceptions (a bad scenario, a bug) would only recur: the run
    /// fails at once with them.
    /// </summary>
    public static bool IsClusterFailure(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested
        && e is OrleansException or TimeoutException or OperationCanceledException or System.Data.Common.DbException;

    private static async Task SettleAsync(IEnumerable<Task> tasks)
    {
        foreach (var task in tasks)
        {
            try { await task; }
            catch (Exception) { /* the run fails with the first failure; these only need to stop */ }
        }
    }
}
