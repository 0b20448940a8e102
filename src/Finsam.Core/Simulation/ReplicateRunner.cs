using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Finsam.Core.Calibration;
using Finsam.Core.Diagnostics;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Simulation;

/// <summary>
/// The one way to run a scenario: "run these replicates of this scenario, stream their results".
/// In this process (<see cref="LocalReplicateRunner"/>) or spread over an Orleans cluster; every
/// command and the HTTP API go through it, so calibration, backtests and throughput queries use the
/// cluster exactly as <c>run</c> does. Results are keyed by replicate, so they are the same to the
/// byte wherever a replicate ran.
/// </summary>
public interface IReplicateRunner : IAsyncDisposable
{
    /// <summary>Where replicates run, for messages ("in-process engine", "embedded silo", …).</summary>
    string Description { get; }

    /// <summary>Gets ready (starts the embedded silo, joins the cluster) so that start-up is not timed as the run.</summary>
    Task ConnectAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Runs replicates 0 … <c>scenario.Replicates</c> − 1 of <paramref name="scenario"/> (seed and
    /// replicates already applied) and yields each result as it completes, in no particular order.
    /// </summary>
    IAsyncEnumerable<ReplicateResult> RunAsync(Scenario scenario, CancellationToken ct = default);

    /// <summary>
    /// Runs <paramref name="edits"/> applied to <paramref name="scenario"/> (seed and replicates already
    /// applied): calibration's evaluations, each a few changed values of one scenario. The results are
    /// those of <c>RunAsync(edits.ApplyTo(scenario))</c>; a cluster runner sends the scenario to each silo
    /// once and then only the edits, so pass the same <paramref name="scenario"/> object every time.
    /// </summary>
    IAsyncEnumerable<ReplicateResult> RunAsync(Scenario scenario, ScenarioEdits edits, CancellationToken ct = default) =>
        RunAsync(edits.ApplyTo(scenario), ct);

    /// <summary>
    /// For each replicate of <paramref name="edits"/> applied to <paramref name="scenario"/>, the forecasts
    /// of the named recorded results (<see cref="ReplicateRunners.Forecasts"/>), in no particular order:
    /// all a calibration step reads of a replicate. A cluster runner computes them on the silos and sends
    /// a few numbers back instead of each whole result.
    /// </summary>
    IAsyncEnumerable<(int Replicate, double[] Values)> ForecastAsync(Scenario scenario, ScenarioEdits edits, IReadOnlyList<string> recorded, CancellationToken ct = default) =>
        ReplicateRunners.ForecastHereAsync(this, scenario, edits, recorded, ct);

    /// <summary>
    /// <see cref="ForecastAsync(Scenario, ScenarioEdits, IReadOnlyList{string}, CancellationToken)"/> for several
    /// edits at once (points a calibration step already knows it needs), tagged with the edit's position in
    /// <paramref name="edits"/>. A cluster runner puts all their replicates in one queue, so a silo that is done
    /// with one edit takes the next edit's replicates instead of waiting for the slowest silo; here they run one
    /// edit after another.
    /// </summary>
    async IAsyncEnumerable<(int Edit, int Replicate, double[] Values)> ForecastAsync(Scenario scenario, IReadOnlyList<ScenarioEdits> edits,
        IReadOnlyList<string> recorded, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var e = 0; e < edits.Count; e++)
            await foreach (var (r, v) in ForecastAsync(scenario, edits[e], recorded, ct)) yield return (e, r, v);
    }

    /// <summary>
    /// Loads, runs and summarises a scenario file (<c>run</c>, <c>compare</c>). A cluster runner does
    /// this in a run grain, which stores the result and survives silo failures.
    /// </summary>
    async Task<RunOutcome> SummariseAsync(RunJob job, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var scenario = Simulator.Apply(job.Loaded ?? ScenarioLoader.Load(job.Source, job.Variant), job.Options);
        // Each replicate is folded into the summary as it arrives; only its summary row is kept.
        using var builder = new SummaryBuilder(scenario, new ScenarioIndex(scenario));
        await foreach (var r in RunAsync(scenario, ct))
        {
            var t = Timings.Start();
            var added = builder.Add(r);
            Timings.Add("summary row", t);
            if (added) progress?.Report(builder.Count);
        }
        var built = Timings.Start();
        var summary = builder.Build();
        Timings.Add("summary build", built);
        return new RunOutcome(summary);
    }
}

/// <summary>A scenario file to run and summarise; <see cref="RunId"/> names the run in a cluster.</summary>
public sealed record RunJob(ScenarioSource Source, string? Variant, RunOptions Options, string? RunId = null)
{
    /// <summary>
    /// The caller's own <c>ScenarioLoader.Load(Source, Variant)</c>, when it has already loaded and checked it:
    /// a runner in this process uses it instead of loading the file again (a cluster always loads <see cref="Source"/>).
    /// </summary>
    public Scenario? Loaded { get; init; }
}

/// <summary>A summarised run; on a cluster also its id and the time it took inside the silos.</summary>
public sealed record RunOutcome(RunSummary Summary, string? RunId = null, double? ClusterSeconds = null);

public static class ReplicateRunners
{
    /// <summary>Runs the scenario with <paramref name="options"/> applied and gathers the results in replicate order.</summary>
    public static Task<RunResult> RunAllAsync(this IReplicateRunner runner, Scenario scenario, RunOptions options,
        IProgress<int>? progress = null, CancellationToken ct = default) =>
        runner.CollectAsync(Simulator.Apply(scenario, options), progress, ct);

    /// <summary>Gathers every replicate of an already-applied scenario in replicate order.</summary>
    public static Task<RunResult> CollectAsync(this IReplicateRunner runner, Scenario scenario, IProgress<int>? progress = null, CancellationToken ct = default) =>
        Collect(scenario, runner.RunAsync(scenario, ct), progress);

    /// <summary>Gathers every replicate of <paramref name="edits"/> applied to an already-applied scenario, in replicate order.</summary>
    public static Task<RunResult> CollectAsync(this IReplicateRunner runner, Scenario scenario, ScenarioEdits edits, IProgress<int>? progress = null, CancellationToken ct = default) =>
        Collect(edits.ApplyTo(scenario), runner.RunAsync(scenario, edits, ct), progress);

    /// <summary>
    /// The first forecast value (<see cref="Summariser.Forecast"/>) of each named recorded result of the
    /// replicate's scenario, in the order named.
    /// </summary>
    public static double[] Forecasts(ScenarioIndex ix, IReadOnlyList<string> recorded, ReplicateResult r)
    {
        var values = new double[recorded.Count];
        for (var k = 0; k < values.Length; k++)
        {
            var rec = ix.Scenario.Recorded.FirstOrDefault(x => x.Id == recorded[k])
                ?? throw new ArgumentException($"the scenario has no recorded result '{recorded[k]}'", nameof(recorded));
            values[k] = Summariser.Forecast(rec, ix, r)[0];
        }
        return values;
    }

    /// <summary><see cref="IReplicateRunner.ForecastAsync"/> from whole results streamed to this process.</summary>
    public static async IAsyncEnumerable<(int Replicate, double[] Values)> ForecastHereAsync(IReplicateRunner runner, Scenario scenario,
        ScenarioEdits edits, IReadOnlyList<string> recorded, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var ix = new ScenarioIndex(edits.ApplyTo(scenario));
        await foreach (var r in runner.RunAsync(scenario, edits, ct)) yield return (r.Replicate, Forecasts(ix, recorded, r));
    }

    private static async Task<RunResult> Collect(Scenario scenario, IAsyncEnumerable<ReplicateResult> stream, IProgress<int>? progress)
    {
        var results = new ReplicateResult?[scenario.Replicates];
        var done = 0;
        await foreach (var r in stream)
        {
            if (results[r.Replicate] is not null) continue;   // a retried replicate never counts twice
            results[r.Replicate] = r;
            done++;
            progress?.Report(done);
        }
        if (done != results.Length) throw new InvalidOperationException($"the runner returned {done} of {results.Length} replicates");
        return new RunResult(scenario, new ScenarioIndex(scenario), results!);
    }
}

/// <summary>Runs replicates in this process, one per core, each with <see cref="LocalActors"/>.</summary>
public class LocalReplicateRunner(int maxParallelism = 0, int shards = 1) : IReplicateRunner
{
    public static LocalReplicateRunner Instance { get; } = new();

    public virtual string Description => "in-process engine";

    public async IAsyncEnumerable<ReplicateResult> RunAsync(Scenario scenario, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var ix = new ScenarioIndex(scenario);
        var parallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount;
        var channel = Channel.CreateBounded<ReplicateResult>(new BoundedChannelOptions(4 * parallelism) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForAsync(0, scenario.Replicates,
                    new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = stop.Token },
                    async (r, token) =>
                    {
                        var t = Timings.Start();
                        var result = await Simulator.RunReplicateAsync(ix, r, shards, parallelShards: false, token);
                        Timings.Add("replicate simulated", t);
                        await channel.Writer.WriteAsync(result, token);
                    });
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var r in channel.Reader.ReadAllAsync(ct)) yield return r;
        }
        finally
        {
            // The reader stopped early (cancelled, or an error downstream): the producer stops too.
            await stop.CancelAsync();
            try { await producer; } catch (OperationCanceledException) { }
        }
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
