using System.Collections.Concurrent;
using System.Diagnostics;
using Finsam.Grains;
using Finsam.Grains.Runs;
using Finsam.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Finsam.Cluster.Tests;

/// <summary>Silos of a test cluster: the Finsam grains and storage "runs" (in memory, or PostgreSQL when a connection is given).</summary>
public sealed class FinsamTestSilo : ISiloConfigurator
{
    public const string ConnectionKey = "FinsamStorageConnection";

    public void Configure(ISiloBuilder silo)
    {
        var connection = silo.Configuration[ConnectionKey];
        if (string.IsNullOrEmpty(connection))
            silo.AddMemoryGrainStorage(FinsamSiloConfiguration.RunsStorage);
        else
            silo.AddFinsamRunsStorage(connection);
        silo.Services.AddFinsamGrainServices();
        silo.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider, SiloLog>();
    }
}

public sealed class FinsamTestClient : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder client) => client.Services.AddFinsamSerialization();
}

/// <summary>Runs through a three-silo TestingHost cluster against the in-process engine.</summary>
public sealed class SimulationClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<FinsamTestSilo>();
        builder.AddClientBuilderConfigurator<FinsamTestClient>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData(null, 1)]
    [InlineData("process-first", 3)]
    public async Task A_three_silo_cluster_gives_byte_identical_results_to_the_in_process_engine(string? variant, int shards)
    {
        var source = Simulation.Example();
        const int replicates = 24;
        var expected = await Simulation.InProcessJsonAsync(source, replicates, variant);

        var runId = $"identical-{variant}-{shards}";
        var silosUsed = new ConcurrentDictionary<string, int>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FinsamInstruments.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == "finsam.replicate" && Equals(a.GetTagItem("finsam.run"), runId))
                    silosUsed.AddOrUpdate((string)a.GetTagItem("finsam.silo")!, 1, (_, n) => n + 1);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var run = _cluster.GrainFactory.GetGrain<IRunGrain>(runId);
        var started = await run.StartAsync(Simulation.Request(source, replicates, variant, shards));
        Assert.Equal(RunState.Running, started.State);
        var status = await Simulation.WaitAsync(run, TimeSpan.FromMinutes(3));

        Assert.Equal(RunState.Completed, status.State);
        Assert.Equal(replicates, status.Completed);
        var json = await run.GetResultJsonAsync();
        Assert.Equal(expected, json);
        output.WriteLine($"{replicates} replicates, {shards} shard(s): identical ({json!.Length} bytes)");

        // Every silo ran some of the replicates.
        output.WriteLine("replicates per silo: " + string.Join(", ", silosUsed.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(3, silosUsed.Count);
        Assert.Equal(replicates, silosUsed.Values.Sum());
    }

    [Fact]
    public async Task An_invalid_scenario_fails_the_run_with_every_problem_and_no_result()
    {
        var bad = Simulation.Example() is var s ? s with { Text = s.Text.Replace("places: 8", "places: -8", StringComparison.Ordinal) } : null!;
        var run = _cluster.GrainFactory.GetGrain<IRunGrain>("invalid");
        var status = await run.StartAsync(Simulation.Request(bad, 4));
        Assert.Equal(RunState.Failed, status.State);
        Assert.Contains(status.Problems, p => p.Contains("capacity must be greater than 0", StringComparison.Ordinal));
        Assert.Null(await run.GetResultJsonAsync());
    }

    [Fact]
    public async Task A_cancelled_run_stops_and_keeps_no_result()
    {
        var run = _cluster.GrainFactory.GetGrain<IRunGrain>("cancelled");
        await run.StartAsync(Simulation.Request(Simulation.Example(), 400));
        await Task.Delay(300);
        var status = await run.CancelAsync();
        Assert.Equal(RunState.Cancelled, status.State);
        await Task.Delay(500);
        status = await run.GetStatusAsync();
        Assert.Equal(RunState.Cancelled, status.State);
        Assert.True(status.Completed < 400);
        Assert.Null(await run.GetResultJsonAsync());
    }
}
