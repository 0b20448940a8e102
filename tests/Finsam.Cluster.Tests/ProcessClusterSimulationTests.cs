using Finsam.Silo;

namespace Finsam.Cluster.Tests;

/// <summary>
/// The whole distributed path with real processes: two silo processes clustered through PostgreSQL
/// and a `finsam` client process. The result equals the in-process engine's, and stays readable
/// from PostgreSQL after the silos are restarted.
/// </summary>
public sealed class ProcessClusterSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_silo_processes_and_a_client_process_run_a_scenario_and_keep_its_result()
    {
        var connection = await TestPostgres.CreateScratchDatabaseAsync("process");
        var work = Path.Combine(Path.GetTempPath(), "finsam-proc-" + Guid.NewGuid().ToString("N")[..8]);
        SiloProcess? a = null, b = null;
        try
        {
            // The project's own command creates the schema.
            var (initExit, initOut) = await FinsamCli.RunAsync(TimeSpan.FromMinutes(1), "db", "init", "--connection", connection);
            Assert.True(initExit == 0, initOut);

            var clusterId = $"sim-{Guid.NewGuid():N}"[..16];
            var ports = new HashSet<int>();
            while (ports.Count < 4) ports.Add(FinsamSiloConfiguration.FreeLoopbackPort());
            var p = ports.ToArray();
            string[] Args(string name, int silo, int gateway) =>
            [
                "--cluster", "postgres", "--connection", connection, "--cluster-id", clusterId,
                "--silo-name", name, "--silo-port", silo.ToString(), "--gateway-port", gateway.ToString(), "--dashboard-port", "0", "--http-port", "0",
            ];
            a = SiloProcess.Start("A", Args("silo-a", p[0], p[1]));
            b = SiloProcess.Start("B", Args("silo-b", p[2], p[3]));

            const int replicates = 40;
            var expected = await Simulation.InProcessFilesAsync(Simulation.Example(), replicates);
            string[] Cluster() => ["--cluster", "postgres", "--connection", connection, "--cluster-id", clusterId];

            var (exit, text) = await FinsamCli.RunAsync(TimeSpan.FromMinutes(4),
                ["run", "scenarios/example-forbund.yaml", "--replicates", replicates.ToString(), "--run-id", "proc-run", "--out", Path.Combine(work, "first"), .. Cluster()]);
            output.WriteLine(text.Length > 2000 ? text[^2000..] : text);
            Assert.True(exit == 0, $"finsam run failed ({exit}):\n{text}\n--- silo A ---\n{a.Output}\n--- silo B ---\n{b.Output}");
            Simulation.AssertFolder(expected, Path.Combine(work, "first"));

            // Restart both silos: the stored result is read back from PostgreSQL, unchanged.
            await a.StopAsync(TimeSpan.FromSeconds(60));
            await b.StopAsync(TimeSpan.FromSeconds(60));
            a.Dispose();
            b.Dispose();
            a = SiloProcess.Start("A2", Args("silo-a", p[0], p[1]));
            (exit, text) = await FinsamCli.RunAsync(TimeSpan.FromMinutes(2),
                ["result", "proc-run", "--out", Path.Combine(work, "again"), "--connection", connection, "--cluster-id", clusterId]);
            Assert.True(exit == 0, $"finsam result failed ({exit}):\n{text}\n--- silo A2 ---\n{a.Output}");
            Simulation.AssertFolder(expected, Path.Combine(work, "again"));
        }
        finally
        {
            a?.Dispose();
            b?.Dispose();
            if (Directory.Exists(work)) Directory.Delete(work, true);
            await TestPostgres.DropDatabaseAsync(connection);
        }
    }
}
