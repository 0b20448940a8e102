using Finsam.Grains.Runs;
using Orleans.TestingHost;

namespace Finsam.Cluster.Tests;

/// <summary>
/// A silo stops in the middle of a run: the run must still complete, with every replicate counted
/// once and numbers identical to the in-process engine. Run state lives in PostgreSQL here, as in a
/// real cluster, so it outlives the silo.
/// </summary>
public sealed class SiloFailureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]    // the silo driving the run goes away: the run grain resumes elsewhere
    [InlineData(false)]   // a silo running replicates goes away: they are retried elsewhere
    public async Task A_silo_stopped_mid_run_leaves_the_result_identical(bool stopTheRunsSilo)
    {
        var storage = await TestPostgres.CreateScratchDatabaseAsync("failure");
        await Finsam.Silo.DbSchema.ApplyAsync(storage);
        var builder = new TestClusterBuilder(3);
        builder.Properties[FinsamTestSilo.ConnectionKey] = storage;
        builder.AddSiloBuilderConfigurator<FinsamTestSilo>();
        builder.AddClientBuilderConfigurator<FinsamTestClient>();
        var cluster = builder.Build();
        SiloLog.Clear();
        try
        {
            await cluster.DeployAsync();
            var source = Simulation.Example();
            const int replicates = 160;
            var expected = await Simulation.InProcessJsonAsync(source, replicates);

            // Find a run id whose grain lives on a secondary silo (the primary hosts the test membership).
            var secondaries = cluster.SecondarySilos.ToList();
            IRunGrain? run = null;
            SiloHandle? victim = null;
            for (var k = 0; k < 200 && run is null; k++)
            {
                var candidate = cluster.GrainFactory.GetGrain<IRunGrain>($"failure-{stopTheRunsSilo}-{k}");
                var host = (await candidate.GetStatusAsync()).Host ?? "";
                var on = secondaries.FirstOrDefault(s => host.Contains(s.SiloAddress.Endpoint.ToString(), StringComparison.Ordinal));
                if (on is not null == stopTheRunsSilo)
                {
                    run = candidate;
                    victim = on ?? secondaries[0];
                }
            }
            Assert.NotNull(run);

            await run.StartAsync(Simulation.Request(source, replicates));
            var stopped = false;
            var status = await Simulation.WaitAsync(run, TimeSpan.FromMinutes(5), async s =>
            {
                if (stopped || s.Completed < 20) return;
                stopped = true;
                output.WriteLine($"stopping silo {victim!.SiloAddress} at {s.Completed}/{s.Total} (run on {s.Host})");
                await cluster.StopSiloAsync(victim);
            });

            if (status.State != RunState.Completed) output.WriteLine(SiloLog.Dump());
            Assert.True(stopped, $"the run finished ({status.State}: {status.Error}) before the silo could be stopped");
            Assert.True(status.State == RunState.Completed, $"run ended {status.State}: {status.Error}");
            Assert.Equal(replicates, status.Completed);
            Assert.Equal(expected, await run.GetResultJsonAsync());
            output.WriteLine($"completed on {status.Host}; identical to the in-process engine");
        }
        finally
        {
            await cluster.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(storage);
        }
    }
}
