using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Finsam.Grains.Runs;
using Finsam.Grains.Simulation;
using Finsam.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Finsam.Client.Running;

/// <summary>
/// Runs through the grains: on an in-process silo (the default, no set-up) or as a client of a
/// PostgreSQL-backed cluster. The run grain does the work; this polls it for progress.
/// </summary>
public sealed class OrleansBackend : IRunBackend
{
    private readonly FinsamClusterOptions? _cluster;
    private readonly FinsamTelemetryOptions _telemetry;
    private IHost? _host;
    private IClusterClient? _client;

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

    /// <summary>Id for the next run (default: a new GUID). Naming it lets a client fetch the stored result later.</summary>
    public string? RunId { get; set; }

    /// <summary>The id of the last run started.</summary>
    public string? LastRunId { get; private set; }

    /// <summary>How long the last run took inside the cluster (replicates and merging; no client start-up or polling).</summary>
    public double? LastRunSeconds { get; private set; }

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

    public async Task<RunSummary> RunAsync(ScenarioSource source, string? variant, RunOptions options, IProgress<int> progress, CancellationToken ct)
    {
        var client = await ConnectAsync(ct);
        LastRunId = RunId ?? Guid.NewGuid().ToString("N");
        var run = client.GetGrain<IRunGrain>(LastRunId);
        var status = await run.StartAsync(new RunRequest(ScenarioPayload.From(source, variant, options), options.Shards > 1 ? options.Shards : 0));
        try
        {
            while (!status.IsFinished)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(150), ct);
                status = await PollAsync(run, ct);
                progress.Report(status.Completed);
            }
        }
        catch (OperationCanceledException)
        {
            await run.CancelAsync();
            throw;
        }
        LastRunSeconds = status.Seconds;
        return await ResultAsync(run, status);
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
        return ResultWriter.FromJson(json);
    }

    /// <summary>Status, riding out a silo that goes away under the run (the next call reactivates the run elsewhere).</summary>
    private static async Task<RunStatus> PollAsync(IRunGrain run, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await run.GetStatusAsync();
            }
            catch (Exception e) when (attempt < 20 && e is not OperationCanceledException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(attempt, 8)), ct);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
