using System.Diagnostics.Metrics;
using Finsam.Grains;
using Finsam.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Finsam.Cluster.Tests;

public sealed class EmbeddedSiloTests
{
    [Fact]
    public async Task Embedded_silo_answers_the_status_grain_and_stores_runs_in_memory()
    {
        using var host = await FinsamSiloConfiguration.StartEmbeddedAsync();
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();

            var status = await client.GetGrain<IClusterStatusGrain>(0).GetStatusAsync();
            Assert.Equal("finsam", status.ClusterId);
            var silo = Assert.Single(status.ActiveSilos);
            Assert.Equal(silo.Address, status.AnsweredBy.Address);
            Assert.StartsWith("finsam-embedded-", status.AnsweredBy.Name);
            Assert.Equal("Active", silo.Status);
            Assert.Equal(0, silo.GatewayPort); // in-process client only

            var me = await client.GetGrain<IClusterStatusGrain>(0).WhoAmIAsync();
            Assert.Equal(silo.Address, me.Address);

            // Storage "runs" exists (in memory) and survives a deactivation.
            var probe = client.GetGrain<IStorageProbeGrain>("embedded");
            await probe.SetAsync("kept");
            await probe.DeactivateAsync();
            Assert.Equal("kept", await client.GetGrain<IStorageProbeGrain>("embedded").GetAsync());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task An_embedded_run_streams_its_replicates_unstored_and_equals_the_in_process_engine()
    {
        var source = Simulation.Example();
        const int replicates = 12;
        var expected = await Simulation.InProcessJsonAsync(source, replicates);
        using var host = await FinsamSiloConfiguration.StartEmbeddedAsync();
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var run = client.GetGrain<Finsam.Grains.Runs.IRunGrain>("embedded-stream");
            await run.StartAsync(Simulation.Request(source, replicates));
            var status = await Simulation.WaitAsync(run, TimeSpan.FromMinutes(2));
            Assert.Equal(Finsam.Grains.Runs.RunState.Completed, status.State);
            // The client in this process gets the summary itself; its JSON (made on demand) is the engine's.
            var summary = await run.GetSummaryAsync();
            Assert.NotNull(summary);
            Assert.Equal(expected, Finsam.Core.Results.ResultWriter.ToJson(summary.Value.Value));
            Assert.Equal(expected, await run.GetResultJsonAsync());

            // No replicate grain was activated: nothing per replicate was kept in the silo's storage.
            var stats = await client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
            Assert.DoesNotContain(stats, s => s.GrainType.Contains("ReplicateGrain", StringComparison.Ordinal) && s.ActivationCount > 0);
            Assert.Contains(stats, s => s.GrainType.Contains("ReplicateWorkerGrain", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task An_embedded_run_takes_the_scenario_its_client_offers_and_gives_the_same_bytes()
    {
        var source = Simulation.Example();
        const int replicates = 12;
        var expected = await Simulation.InProcessJsonAsync(source, replicates);
        var loaded = Finsam.Core.Simulation.Simulator.Apply(Finsam.Core.Loading.ScenarioLoader.Load(source), new Finsam.Core.Simulation.RunOptions { Replicates = replicates });
        using var host = await FinsamSiloConfiguration.StartEmbeddedAsync();
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var scenarios = host.Services.GetRequiredService<Finsam.Grains.Simulation.SiloScenarios>();

            // A renamed copy shows that the run used what was offered, not its payload.
            scenarios.Offer("offered-renamed", loaded with { Name = "Offered by reference" });
            var renamed = client.GetGrain<Finsam.Grains.Runs.IRunGrain>("offered-renamed");
            await renamed.StartAsync(Simulation.Request(source, replicates));
            var renamedStatus = await Simulation.WaitAsync(renamed, TimeSpan.FromMinutes(2));
            Assert.Equal("Offered by reference", renamedStatus.ScenarioName);
            Assert.Null(scenarios.TakeOffered("offered-renamed"));   // the run's driver took it

            // The scenario as loaded by the client: the same bytes as the in-process engine.
            scenarios.Offer("offered", loaded);
            var run = client.GetGrain<Finsam.Grains.Runs.IRunGrain>("offered");
            await run.StartAsync(Simulation.Request(source, replicates));
            var status = await Simulation.WaitAsync(run, TimeSpan.FromMinutes(2));
            Assert.Equal(Finsam.Grains.Runs.RunState.Completed, status.State);
            Assert.Equal(expected, await run.GetResultJsonAsync());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task ConfigureEmbedded_works_on_a_plain_host_builder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => FinsamSiloConfiguration.ConfigureEmbedded(silo, clusterId: "smoke", serviceId: "smoke-service"));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var status = await client.GetGrain<IClusterStatusGrain>(0).GetStatusAsync();
            Assert.Equal("smoke", status.ClusterId);
            Assert.Single(status.ActiveSilos);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void Telemetry_instruments_have_the_documented_names()
    {
        var seen = new List<(string Name, long Value, string? Insats)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FinsamInstruments.Name)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? insats = null;
            foreach (var tag in tags)
                if (tag.Key == FinsamInstruments.InsatsTag)
                    insats = tag.Value as string;
            lock (seen)
                seen.Add((instrument.Name, value, insats));
        });
        listener.Start();

        FinsamInstruments.ParticipantMonths.Add(1200);
        FinsamInstruments.ReplicatesCompleted.Add(1);
        FinsamInstruments.RunsActive.Add(1);
        FinsamInstruments.RecordQueueLength("spira", 17);

        Assert.Contains(("finsam.participant_months", 1200L, (string?)null), seen);
        Assert.Contains(("finsam.replicates_completed", 1L, (string?)null), seen);
        Assert.Contains(("finsam.runs_active", 1L, (string?)null), seen);
        Assert.Contains(("finsam.queue_length", 17L, "spira"), seen);
        Assert.Equal("Finsam", FinsamInstruments.ActivitySource.Name);
    }

    [Fact]
    public async Task Telemetry_pipeline_builds_with_the_console_exporter()
    {
        using var host = await FinsamSiloConfiguration.StartEmbeddedAsync(b =>
            b.Services.AddFinsamTelemetry(new FinsamTelemetryOptions { Exporter = "console" }, "finsam-test"));
        try
        {
            using (var activity = FinsamInstruments.ActivitySource.StartActivity("finsam.test"))
                Assert.NotNull(activity); // the tracer provider listens to "Finsam"
            var client = host.Services.GetRequiredService<IClusterClient>();
            Assert.Single((await client.GetGrain<IClusterStatusGrain>(0).GetStatusAsync()).ActiveSilos);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
