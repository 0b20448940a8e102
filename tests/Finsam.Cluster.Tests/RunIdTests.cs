using Finsam.Grains.Runs;
using Orleans.TestingHost;

namespace Finsam.Cluster.Tests;

/// <summary>
/// A run id is bound to what it ran: the same request again gets the same stored run, anything
/// different is refused (it used to get the old scenario's result silently); a cancelled or failed
/// run carries on when the same request comes again.
/// </summary>
public sealed class RunIdTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<FinsamTestSilo>();
        builder.AddClientBuilderConfigurator<FinsamTestClient>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task The_same_request_again_gets_the_same_result_and_anything_else_is_refused()
    {
        var source = Simulation.Example();
        var run = _cluster.GrainFactory.GetGrain<IRunGrain>("bound");
        await run.StartAsync(Simulation.Request(source, 6));
        var done = await Simulation.WaitAsync(run, TimeSpan.FromMinutes(2));
        Assert.Equal(RunState.Completed, done.State);
        var json = await run.GetResultJsonAsync();

        // Again, and with the scenario's own seed spelled out: the same run.
        var again = await run.StartAsync(Simulation.Request(source, 6));
        Assert.Equal(RunState.Completed, again.State);
        Assert.Equal(json, await run.GetResultJsonAsync());
        var seed = Finsam.Core.Loading.ScenarioLoader.Load(source).Seed;
        Assert.Equal(RunState.Completed, (await run.StartAsync(new RunRequest(Finsam.Grains.Simulation.ScenarioPayload.From(
            source, null, new Finsam.Core.Simulation.RunOptions { Replicates = 6, Seed = seed })))).State);

        // Another scenario, variant, seed or count: refused, naming what differs, and nothing changes.
        var other = Simulation.Example("varend-2016-2018.yaml");
        Assert.Contains("scenario", (await Assert.ThrowsAsync<RunIdInUseException>(() => run.StartAsync(Simulation.Request(other, 6)))).Differences);
        Assert.Equal(["replicates"], (await Assert.ThrowsAsync<RunIdInUseException>(() => run.StartAsync(Simulation.Request(source, 7)))).Differences);
        var variant = Finsam.Core.Loading.ScenarioLoader.Load(source).Variants[0].Name;
        var refused = await Assert.ThrowsAsync<RunIdInUseException>(() => run.StartAsync(Simulation.Request(source, 6, variant)));
        Assert.Contains("variant", refused.Differences);
        Assert.Contains("run id 'bound' is already used", refused.Message);
        Assert.DoesNotContain(variant, refused.Message);   // names the part, never its value
        Assert.Equal(["seed"], (await Assert.ThrowsAsync<RunIdInUseException>(() => run.StartAsync(new RunRequest(Finsam.Grains.Simulation.ScenarioPayload.From(
            source, null, new Finsam.Core.Simulation.RunOptions { Replicates = 6, Seed = seed + 1 }))))).Differences);
        Assert.Equal(json, await run.GetResultJsonAsync());
    }

    [Fact]
    public async Task A_cancelled_run_carries_on_when_the_same_request_comes_again()
    {
        var source = Simulation.Example();
        const int replicates = 400;   // a replicate runs whole in milliseconds: enough of them that the run is still going when cancelled
        var expected = await Simulation.InProcessJsonAsync(source, replicates);
        var run = _cluster.GrainFactory.GetGrain<IRunGrain>("resumed");
        await run.StartAsync(Simulation.Request(source, replicates));
        var cancelled = false;
        var status = await Simulation.WaitAsync(run, TimeSpan.FromMinutes(2), async s =>
        {
            if (cancelled) return;
            cancelled = true;
            await run.CancelAsync();
        });
        Assert.True(cancelled, "the run finished before it could be cancelled");
        Assert.Equal(RunState.Cancelled, status.State);

        var resumed = await run.StartAsync(Simulation.Request(source, replicates));
        Assert.Equal(RunState.Running, resumed.State);
        status = await Simulation.WaitAsync(run, TimeSpan.FromMinutes(2));
        Assert.Equal(RunState.Completed, status.State);
        Assert.Null(status.Error);
        Assert.Equal(expected, await run.GetResultJsonAsync());
    }
}
