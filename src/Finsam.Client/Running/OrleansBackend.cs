using System.Runtime.CompilerServices;
using Finsam.Core.Calibration;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;
using Finsam.Grains.Runs;
using Finsam.Grains.Simulation;
using Finsam.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Finsam.Client.Running;

/// <summary>
/// Runs through the grains: on an in-process silo (the default, no set-up) or as a client of a
/// PostgreSQL-backed cluster. A summarised run (<c>run</c>, <c>compare</c>) is a run grain, which
/// stores its progress and result; this polls it. Streamed replicates (calibrate, backtest,
/// throughput) go to the silos' replicate workers (<see cref="OrleansReplicateRunner"/>).
/// </summary>
public sealed class OrleansBackend : IReplicateRunner
{
    private readonly FinsamClusterOptions? _cluster;
    private readonly FinsamTelemetryOptions _telemetry;
    private IHost? _host;
    private IClusterClient? _client;
    private OrleansReplicateRunner? _runner;

    private OrleansBackend(FinsamClusterOptions? cluster, FinsamTelemetryOptions? telemetry)
    {
        _cluster = cluster;
        _telemetry = telemetry ?? new FinsamTelemetryOptions();
    }

    /// <summary>An in-process silo with localhost clustering and in-memory storage, started on first use.</summary>
    public static OrleansBackend Embedded(FinsamTelemetryOptions? telemetry = null) => new(null, telemetry);

    /// <summary>A client of the cluster whose membership lives in the given PostgreSQL database.</summary>
    public static OrleansBackend Cluster(FinsamClusterOptions options, FinsamTelemetryOptions? telemetry = null) => new(options, telemetry);

    public string Description => _cluster is null ? "embedded silo" : $"cluster '{_cluster.ClusterId}'";

    public IClusterClient? Client => _client;

    async Task IReplicateRunner.ConnectAsync(CancellationToken ct) => await ConnectAsync(ct);

    public async Task<IClusterClient> ConnectAsync(CancellationToken ct)
    {
        if (_client is not null) return _client;
        if (_cluster is null)
        {
            _host = await FinsamSiloConfiguration.StartEmbeddedAsync(
                b => b.Services.AddFinsamTelemetry(_telemetry, "finsam-embedded"), ct);
        }
        else
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "finsam-client" });
            builder.UseOrleansClient(c => FinsamClientConfiguration.ConfigurePostgres(c, _cluster, connectRetryFor: TimeSpan.FromSeconds(30)));
            builder.Services.AddFinsamTelemetry(_telemetry, "finsam-client");
            _host = builder.Build();
            await _host.StartAsync(ct);
        }
        return _client = _host.Services.GetRequiredService<IClusterClient>();
    }

    public IAsyncEnumerable<ReplicateResult> RunAsync(Scenario scenario, CancellationToken ct = default) =>
        RunAsync(scenario, ScenarioEdits.None, ct);

    public async IAsyncEnumerable<ReplicateResult> RunAsync(Scenario scenario, ScenarioEdits edits, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var r in (await RunnerAsync(ct)).RunAsync(scenario, edits, ct)) yield return r;
    }

    public async IAsyncEnumerable<(int Replicate, double[] Values)> ForecastAsync(Scenario scenario, ScenarioEdits edits, IReadOnlyList<string> recorded,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var f in (await RunnerAsync(ct)).ForecastAsync(scenario, edits, recorded, ct)) yield return f;
    }

    public async IAsyncEnumerable<(int Edit, int Replicate, double[] Values)> ForecastAsync(Scenario scenario, IReadOnlyList<ScenarioEdits> edits,
        IReadOnlyList<string> recorded, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var f in (await RunnerAsync(ct)).ForecastAsync(scenario, edits, recorded, ct)) yield return f;
    }

    // One runner for the whole command: it keeps the silo list and which silo holds which scenario.
    private async Task<OrleansReplicateRunner> RunnerAsync(CancellationToken ct) =>
        _runner ??= new OrleansReplicateRunner(await ConnectAsync(ct), Description, viaGateways: true);

    public async Task<RunOutcome> SummariseAsync(RunJob job, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var client = await ConnectAsync(ct);
        var runId = job.RunId ?? Guid.NewGuid().ToString("N");
        var run = client.GetGrain<IRunGrain>(runId);
        var options = job.Options;
        // The embedded silo shares this process: its run takes the scenario already loaded here instead of loading the text again.
        var local = _cluster is null && job.Loaded is { } loaded ? _host!.Services.GetRequiredService<SiloScenarios>() : null;
        local?.Offer(runId, Simulator.Apply(job.Loaded!, options));
        try
        {
            return await FollowAsync(run, runId, job, progress, ct);
        }
        finally
        {
            local?.TakeOffered(runId);
        }
    }

    private async Task<RunOutcome> FollowAsync(IRunGrain run, string runId, RunJob job, IProgress<int>? progress, CancellationToken ct)
    {
        var options = job.Options;
        var status = await run.StartAsync(new RunRequest(ScenarioPayload.From(job.Source, job.Variant, options), options.Shards > 1 ? options.Shards : 0));
        try
        {
            while (!status.IsFinished)
            {
                // The embedded silo answers in microseconds, so it is asked often: a run's end is noticed at once.
                await Task.Delay(TimeSpan.FromMilliseconds(_cluster is null ? 20 : 150), ct);
                status = await PollAsync(run, ct);
                progress?.Report(status.Completed);
            }
        }
        catch (OperationCanceledException)
        {
            await run.CancelAsync();
            throw;
        }
        // The embedded silo shares this process: its run hands the summary over by reference, no JSON.
        if (_cluster is null && status.State == RunState.Completed && await run.GetSummaryAsync() is { } summary)
            return new RunOutcome(summary.Value, runId, status.Seconds);
        return new RunOutcome(await ResultAsync(run, status), runId, status.Seconds);
    }

    /// <summary>The stored summary of a finished run.</summary>
    public async Task<RunSummary> FetchAsync(string runId, CancellationToken ct)
    {
        var client = await ConnectAsync(ct);
        var run = client.GetGrain<IRunGrain>(runId);
        return await ResultAsync(run, await PollAsync(run, ct));
    }

    private static async Task<RunSummary> ResultAsync(IRunGrain run, RunStatus status)
    {
        if (status.State != RunState.Completed)
            throw new InvalidOperationException(status.State == RunState.NotStarted
                ? $"there is no run '{status.RunId}' in this cluster"
                : $"run {status.RunId} is {status.State.ToString().ToLowerInvariant()}{(status.Error is null ? "" : ": " + status.Error)}{(status.Problems.Length > 0 ? "\n" + string.Join('\n', status.Problems) : "")}");
        var json = await run.GetResultJsonAsync() ?? throw new InvalidOperationException($"run {status.RunId} completed without a result");
        var t = Core.Diagnostics.Timings.Start();
        var summary = ResultWriter.FromJson(json);
        Core.Diagnostics.Timings.Add("result from JSON (client)", t);
        return summary;
    }

    /// <summary>Status, riding out a silo that goes away under the run (the next call reactivates the run elsewhere).</summary>
    private static async Task<RunStatus> PollAsync(IRunGrain run, CancellationToken ct)
    {
        // A window in time, not a count of tries: a lost gateway silo while the database restarts takes the
        // cluster tens of seconds to notice (membership lives in that database), and the run carries on meanwhile.
        var since = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await run.GetStatusAsync();
            }
            catch (Exception e) when (since.Elapsed < TimeSpan.FromMinutes(3) && e is not OperationCanceledException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(attempt, 8)), ct);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_runner is not null) await _runner.DisposeAsync();
        if (_host is null) return;
        try
        {
            // The embedded silo keeps nothing that outlives this process (storage in memory, no other silo to
            // hand grains to), so it stops at once instead of deactivating grains and leaving the membership
            // in turn; a client of a cluster leaves it gracefully.
            // (A zero delay gives a token that is cancelled from the start.)
            using var timeout = new CancellationTokenSource(_cluster is null ? TimeSpan.Zero : TimeSpan.FromSeconds(5));
            await _host.StopAsync(timeout.Token);
            Core.Diagnostics.Timings.Mark("silo stopped");
        }
        finally
        {
            _host.Dispose();
        }
    }
}
