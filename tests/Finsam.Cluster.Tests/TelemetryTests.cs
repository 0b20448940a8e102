using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Finsam.Core.Loading;
using Finsam.Core.Simulation;
using Finsam.Grains;
using Finsam.Grains.Runs;
using Finsam.Silo;
using Microsoft.Extensions.DependencyInjection;

namespace Finsam.Cluster.Tests;

/// <summary>A run leaves a trace (one run span, a child span per replicate) and the meters the issue names.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_run_is_one_trace_with_a_span_per_replicate_and_counts_its_work()
    {
        var runId = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FinsamInstruments.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (Equals(a.GetTagItem("finsam.run"), runId)) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);

        var measurements = new ConcurrentDictionary<string, long>();
        var queueInsatser = new ConcurrentDictionary<string, bool>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (i, l) => { if (i.Meter.Name == FinsamInstruments.Name) l.EnableMeasurementEvents(i); },
        };
        meters.SetMeasurementEventCallback<long>((i, value, tags, _) =>
        {
            measurements.AddOrUpdate(i.Name, value, (_, v) => v + value);
            foreach (var t in tags)
                if (t.Key == FinsamInstruments.InsatsTag) queueInsatser[(string)t.Value!] = true;
        });
        meters.Start();

        using var host = await FinsamSiloConfiguration.StartEmbeddedAsync();
        var client = host.Services.GetRequiredService<IClusterClient>();
        const int replicates = 6;
        var source = Simulation.Example();
        var run = client.GetGrain<IRunGrain>(runId);
        await run.StartAsync(Simulation.Request(source, replicates));
        var status = await Simulation.WaitAsync(run, TimeSpan.FromMinutes(2));
        Assert.Equal(RunState.Completed, status.State);
        await host.StopAsync();

        var runSpan = Assert.Single(spans, s => s.OperationName == "finsam.run");
        var replicateSpans = spans.Where(s => s.OperationName == "finsam.replicate").ToList();
        Assert.Equal(replicates, replicateSpans.Count);
        Assert.All(replicateSpans, s => Assert.Equal(runSpan.TraceId, s.TraceId));

        // The participant-months counted equal the engine's own count for the same replicates.
        var ix = new ScenarioIndex(ScenarioLoader.Load(source));
        long expected = 0;
        for (var r = 0; r < replicates; r++) expected += (await Simulator.RunReplicateAsync(ix, r)).ParticipantMonths;
        Assert.Equal(expected, measurements["finsam.participant_months"]);
        Assert.Equal(replicates, measurements["finsam.replicates_completed"]);
        Assert.Equal(0, measurements["finsam.runs_active"]);   // +1 at the start, −1 at the end
        Assert.Equal(ix.Individual.Select(i => i.Id).Order(), queueInsatser.Keys.Order());
    }
}
