using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Finsam.Grains.Simulation;
using Microsoft.Extensions.Logging;

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
}

public sealed class RunGrain(
    [PersistentState("run", "runs")] IPersistentState<RunGrainState> state,
    ILogger<RunGrain> logger) : Grain, IRunGrain
{
    private const int MaxAttempts = 5;
    private static readonly TimeSpan SiloRefresh = TimeSpan.FromSeconds(5);
    private CancellationTokenSource? _cancel;
    private Task? _driver;
    private bool _deactivating;
    private System.Diagnostics.Stopwatch? _clock;

    private RunGrainState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A run that was going when its silo died carries on where it stopped.
        if (S.State == RunState.Running) StartDriver();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The next activation resumes from the stored state; this one must stop writing it.
        _deactivating = true;
        _cancel?.Cancel();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<RunStatus> StartAsync(RunRequest request)
    {
        if (S.State != RunState.NotStarted) return Status();
        S.Request = request;
        try
        {
            var scenario = request.Scenario.Load();
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
        await state.WriteStateAsync();
        if (S.State == RunState.Running) StartDriver();
        return Status();
    }

    public Task<RunStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<string?> GetResultJsonAsync() => Task.FromResult(S.State == RunState.Completed ? S.ResultJson : null);

    public async Task<RunStatus> CancelAsync()
    {
        if (S.State != RunState.Running) return Status();
        S.State = RunState.Cancelled;
        _cancel?.Cancel();
        await state.WriteStateAsync();
        return Status();
    }

    private RunStatus Status() =>
        new(RunId, S.State, S.Completed.Count, S.Total, S.ScenarioName, S.Error, [.. S.Problems], RuntimeIdentity,
            S.Seconds + (_clock?.Elapsed.TotalSeconds ?? 0));

    /// <summary>One shard per 100 000 expected participants (at most 16): results do not depend on it.</summary>
    public static int DefaultShards(ScenarioIndex ix) => (int)Math.Clamp(Math.Ceiling(ix.ExpectedParticipants() / 100_000.0), 1, 16);

    private void StartDriver()
    {
        if (_driver is { IsCompleted: false }) return;
        _cancel = new CancellationTokenSource();
        // Runs in the grain's context: its continuations interleave with status calls between awaits.
        _driver = DriveAsync(_cancel.Token);
    }

    private async Task DriveAsync(CancellationToken ct)
    {
        using var activity = FinsamInstruments.ActivitySource.StartActivity("finsam.run");
        activity?.SetTag("finsam.run", this.GetPrimaryKeyString());
        FinsamInstruments.RunsActive.Add(1);
        _clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var request = S.Request!;
            var scenario = request.Scenario.Load();
            var ix = new ScenarioIndex(scenario);
            var results = new ReplicateResult?[S.Total];
            var done = new HashSet<int>(S.Completed);
            var loads = new SiloLoads(GrainFactory, request.MaxConcurrentReplicates, logger);
            await loads.RefreshAsync();
            var refreshed = System.Diagnostics.Stopwatch.StartNew();
            var lastSave = DateTime.UtcNow;

            async Task One(int r, SiloAddress silo)
            {
                var spec = new ReplicateSpec(RunId, request.Scenario, r, S.Shards, activity?.Id);
                results[r] = await RunReplicateAsync(spec, silo, loads, ct);
                if (done.Add(r)) S.Completed.Add(r);
                if (DateTime.UtcNow - lastSave > TimeSpan.FromSeconds(1) && !_deactivating)
                {
                    lastSave = DateTime.UtcNow;
                    await state.WriteStateAsync(ct);
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
                if (running.Count == 0) throw new InvalidOperationException("the cluster has no active silo");
                var finished = await Task.WhenAny(running);
                running.Remove(finished);
                if (!finished.IsCompletedSuccessfully)
                {
                    await SettleAsync(running);   // let the others finish before the run fails
                    await finished;
                }
            }
            ct.ThrowIfCancellationRequested();

            var summary = Summariser.Summarise(new RunResult(scenario, ix, results.Select(x => x!).ToList()));
            S.ResultJson = ResultWriter.ToJson(summary);
            S.State = RunState.Completed;
            S.Seconds += _clock.Elapsed.TotalSeconds;
            _clock = null;
            await state.WriteStateAsync(CancellationToken.None);
            // A few at a time: each is a database write, and a run may have thousands.
            foreach (var batch in Enumerable.Range(0, S.Total).Chunk(16))
                await Task.WhenAll(batch.Select(r => GrainFactory.GetGrain<IReplicateGrain>(Key(r)).ForgetAsync()));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            logger.LogInformation("Run {Run} {What}", RunId, _deactivating ? "handed over (silo shutting down)" : "cancelled");
        }
        catch (Exception e) when (e is not OperationCanceledException && !_deactivating)
        {
            logger.LogError(e, "Run {Run} failed", RunId);
            S.State = RunState.Failed;
            S.Error = e.Message;
            await state.WriteStateAsync(CancellationToken.None);
        }
        finally
        {
            FinsamInstruments.RunsActive.Add(-1);
        }
    }

    private string RunId => this.GetPrimaryKeyString();

    private string Key(int replicate) => $"{RunId}/{replicate}";

    /// <summary>
    /// Runs a replicate on <paramref name="silo"/> (already counted in <paramref name="loads"/>); if
    /// the call fails, say because the silo went away, retries on the least loaded silo. The
    /// replicate's keyed randomness makes a retry identical.
    /// </summary>
    private async Task<ReplicateResult> RunReplicateAsync(ReplicateSpec spec, SiloAddress silo, SiloLoads loads, CancellationToken ct)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await ReplicateSpreadPlacement.On(silo,
                        () => GrainFactory.GetGrain<IReplicateGrain>(Key(spec.Replicate)).RunAsync(spec, ct));
                }
                catch (Exception e) when (attempt < MaxAttempts && !ct.IsCancellationRequested && e is not ScenarioException and not InvalidOperationException)
                {
                    logger.LogWarning(e, "Replicate {Replicate} failed on {Silo} (attempt {Attempt}); retrying", spec.Replicate, silo, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
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

    private static async Task SettleAsync(IEnumerable<Task> tasks)
    {
        foreach (var task in tasks)
        {
            try { await task; }
            catch (Exception) { /* the run fails with the first failure; these only need to stop */ }
        }
    }
}
