using System.Diagnostics;
using Finsam.Grains.Runs;
using Finsam.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Finsam.Cluster.Tests;

/// <summary>
/// Outages during a run on a real cluster: two silo processes clustered through PostgreSQL and a
/// `finsam run` client process. The database is restarted (pg_ctl restart -m fast) or frozen
/// mid-run, and in the chaos case the silo driving the run is killed as well: the run pauses,
/// retries and writes result.json identical to the in-process engine's. The server is the test's
/// own (<see cref="ScratchPostgres"/>), so restarting it disturbs no other test.
/// </summary>
public sealed class PostgresFaultTests(ITestOutputHelper output)
{
    public enum Fault { Restart, Stall, RestartAndSiloKill }

    private const int Replicates = 80;
    private static readonly TimeSpan StallFor = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(Fault.Restart)]
    [InlineData(Fault.Stall)]
    [InlineData(Fault.RestartAndSiloKill)]
    public async Task A_run_outlives_the_database_going_away(Fault fault)
    {
        var clock = Stopwatch.StartNew();
        await using var pg = await ScratchPostgres.StartAsync();
        await DbSchema.ApplyAsync(pg.ConnectionString);
        output.WriteLine($"PostgreSQL ready after {clock.Elapsed.TotalSeconds:F1}s");

        var clusterId = $"fault-{Guid.NewGuid():N}"[..16];
        var ports = new HashSet<int>();
        while (ports.Count < 4) ports.Add(FinsamSiloConfiguration.FreeLoopbackPort());
        var p = ports.ToArray();
        string[] Args(string name, int silo, int gateway) =>
        [
            "--cluster", "postgres", "--connection", pg.ConnectionString, "--cluster-id", clusterId,
            "--silo-name", name, "--silo-port", silo.ToString(), "--gateway-port", gateway.ToString(), "--dashboard-port", "0", "--http-port", "0",
        ];
        var work = Path.Combine(Path.GetTempPath(), "finsam-fault-" + Guid.NewGuid().ToString("N")[..8]);
        using var a = SiloProcess.Start("A", Args("silo-a", p[0], p[1]));
        using var b = SiloProcess.Start("B", Args("silo-b", p[2], p[3]));
        IHost? clientHost = null;
        try
        {
            var runId = $"fault-{fault}";
            var cli = FinsamCli.RunAsync(TimeSpan.FromMinutes(5),
                "run", "scenarios/example-forbund.yaml", "--replicates", Replicates.ToString(), "--run-id", runId, "--out", work,
                "--cluster", "postgres", "--connection", pg.ConnectionString, "--cluster-id", clusterId);

            // A client of our own watches the run and strikes when a fifth of it is done.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleansClient(c => FinsamClientConfiguration.ConfigurePostgres(
                c, new FinsamClusterOptions { ConnectionString = pg.ConnectionString, ClusterId = clusterId }, connectRetryFor: TimeSpan.FromSeconds(90)));
            clientHost = builder.Build();
            await clientHost.StartAsync();
            var run = clientHost.Services.GetRequiredService<IClusterClient>().GetGrain<IRunGrain>(runId);
            RunStatus? at = null;
            while (at is null && !cli.IsCompleted)
            {
                try
                {
                    var s = await run.GetStatusAsync();
                    if (s.State == RunState.Running && s.Completed >= Replicates / 5) at = s;
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    // the run not yet started, a silo still joining
                }
                await Task.Delay(100);
            }
            if (at is null) Assert.Fail($"the run ended before the fault:\n{(await cli).Output}");
            output.WriteLine($"{fault} at {at.Completed}/{at.Total}, {clock.Elapsed.TotalSeconds:F1}s (run on {at.Host})");

            var faultClock = Stopwatch.StartNew();
            if (fault == Fault.Stall) await pg.StallAsync(StallFor);
            else await pg.RestartAsync();
            output.WriteLine($"database back after {faultClock.Elapsed.TotalSeconds:F1}s");
            if (fault == Fault.RestartAndSiloKill)
            {
                // The silo that drives the run: the run must resume elsewhere from what it stored.
                var victim = at.Host?.Contains($":{p[0]}:", StringComparison.Ordinal) == true ? a : b;
                victim.Kill();
                output.WriteLine($"killed silo {victim.Name} (kill -9)");
            }

            var (exit, text) = await cli;
            output.WriteLine(text.Length > 1500 ? text[^1500..] : text);
            Assert.True(exit == 0, $"finsam run failed ({exit}):\n{text}\n--- silo A ---\n{a.Output}\n--- silo B ---\n{b.Output}");
            var expected = await Simulation.InProcessFilesAsync(Simulation.Example(), Replicates);   // after the run: it needs the cores
            Simulation.AssertFolder(expected, work);

            // A restart really hit the run's storage, and was ridden out there. (A stall may only hold a write
            // until the database thaws: that write then gets through at its first attempt, with nothing to retry.)
            var silos = a.Output + b.Output;
            // Whether a write met the outage depends on timing (replicates are short): reported, not required.
            // What is required: the run completed with identical bytes, and no Npgsql exception crossed a silo.
            output.WriteLine(silos.Contains("got through after", StringComparison.Ordinal) ? "a storage write rode out the outage" : "no storage write met the outage");
            Assert.DoesNotContain("Could not find a codec", silos);
            output.WriteLine($"identical result.json; {clock.Elapsed.TotalSeconds:F1}s in all");
        }
        finally
        {
            if (clientHost is not null)
            {
                try { await clientHost.StopAsync(TimeSpan.FromSeconds(10)); } catch (Exception e) { output.WriteLine($"client stop: {e.Message}"); }
                clientHost.Dispose();
            }
            if (Directory.Exists(work)) Directory.Delete(work, true);
        }
    }
}
