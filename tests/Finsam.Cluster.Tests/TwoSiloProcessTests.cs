using System.Diagnostics;
using Finsam.Grains;
using Finsam.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Finsam.Cluster.Tests;

/// <summary>Two real silo processes clustered through PostgreSQL, and a client in the test process.</summary>
public sealed class TwoSiloProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Two_silo_processes_join_through_postgres_and_survive_a_restart()
    {
        var connection = TestPostgres.ConnectionString;
        await DbSchema.ApplyAsync(connection);

        // A fresh ClusterId per run: rows of earlier runs in the same database never matter.
        var clusterId = $"it-{Guid.NewGuid():N}"[..16];
        var ports = DistinctFreePorts(5);
        var (siloA, gatewayA, siloB, gatewayB, dashboard) = (ports[0], ports[1], ports[2], ports[3], ports[4]);
        string[] Args(string name, int siloPort, int gatewayPort, int dashboardPort) =>
        [
            "--cluster", "postgres", "--connection", connection, "--cluster-id", clusterId,
            "--silo-name", name, "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(),
            "--dashboard-port", dashboardPort.ToString(), "--http-port", "0",
        ];

        var clock = Stopwatch.StartNew();
        SiloProcess? a = null, b = null;
        IHost? clientHost = null;
        try
        {
            a = SiloProcess.Start("A", Args("silo-a", siloA, gatewayA, dashboard));
            b = SiloProcess.Start("B", Args("silo-b", siloB, gatewayB, 0));

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleansClient(c => FinsamClientConfiguration.ConfigurePostgres(
                c, new FinsamClusterOptions { ConnectionString = connection, ClusterId = clusterId }, connectRetryFor: JoinTimeout));
            clientHost = builder.Build();
            await clientHost.StartAsync();
            var client = clientHost.Services.GetRequiredService<IClusterClient>();
            output.WriteLine($"client connected after {clock.Elapsed.TotalSeconds:F1}s");

            var status = await WaitForAsync(client, s => s.ActiveSilos.Count == 2, "both silos active", a, b);
            Assert.Equal(clusterId, status.ClusterId);
            Assert.Equal(["silo-a", "silo-b"], status.ActiveSilos.Select(s => s.Name).Order().ToArray());
            Assert.Equal(new[] { gatewayA, gatewayB }.Order().ToArray(), status.ActiveSilos.Select(s => s.GatewayPort).Order().ToArray());
            Assert.Contains(status.AnsweredBy.Name, new[] { "silo-a", "silo-b" });
            output.WriteLine($"2 active silos after {clock.Elapsed.TotalSeconds:F1}s");

            // The dashboard of silo A answers on loopback (the web server starts after the silo).
            Assert.Contains("Orleans Dashboard", await GetWithRetryAsync($"http://127.0.0.1:{dashboard}/", a));

            // Stop B gracefully: the cluster goes on with A alone.
            var stopClock = Stopwatch.StartNew();
            await b.StopAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"silo B stopped in {stopClock.Elapsed.TotalSeconds:F1}s");
            status = await WaitForAsync(client, s => s.ActiveSilos.Count == 1, "only silo A active", a);
            Assert.Equal("silo-a", Assert.Single(status.ActiveSilos).Name);
            Assert.Equal("silo-a", status.AnsweredBy.Name);
            output.WriteLine($"1 active silo after {clock.Elapsed.TotalSeconds:F1}s");

            // Start B again on the same ports: it rejoins and the cluster answers with both.
            b.Dispose();
            b = SiloProcess.Start("B2", Args("silo-b", siloB, gatewayB, 0));
            status = await WaitForAsync(client, s => s.ActiveSilos.Count == 2, "silo B back", a, b);
            Assert.Equal(["silo-a", "silo-b"], status.ActiveSilos.Select(s => s.Name).Order().ToArray());
            output.WriteLine($"2 active silos again after {clock.Elapsed.TotalSeconds:F1}s");

            // Kill B hard (no goodbye in the membership table) and start it again at once: the new
            // incarnation declares its dead predecessor dead and joins; the cluster keeps answering.
            var killedB = status.ActiveSilos.Single(s => s.Name == "silo-b").Address;
            b.Kill();
            b.Dispose();
            b = SiloProcess.Start("B3", Args("silo-b", siloB, gatewayB, 0));
            status = await WaitForAsync(client,
                s => s.ActiveSilos.Count == 2 && s.ActiveSilos.All(x => x.Address != killedB), "a new silo B instead of the killed one", a, b);
            Assert.Equal(["silo-a", "silo-b"], status.ActiveSilos.Select(s => s.Name).Order().ToArray());
            for (var i = 0; i < 10; i++)
                Assert.Equal(2, (await client.GetGrain<IClusterStatusGrain>(0).GetStatusAsync()).ActiveSilos.Count);
            output.WriteLine($"2 active silos after kill -9 and restart, {clock.Elapsed.TotalSeconds:F1}s");

            // Every gateway answers: calls from the client spread over both silos' gateways eventually;
            // at least the call itself must succeed repeatedly.
            for (var i = 0; i < 10; i++)
                Assert.Equal(2, (await client.GetGrain<IClusterStatusGrain>(0).GetStatusAsync()).ActiveSilos.Count);
        }
        catch
        {
            if (a is not null) output.WriteLine($"--- silo A output ---\n{a.Output}");
            if (b is not null) output.WriteLine($"--- silo {b.Name} output ---\n{b.Output}");
            throw;
        }
        finally
        {
            if (clientHost is not null)
            {
                try { await clientHost.StopAsync(TimeSpan.FromSeconds(10)); } catch (Exception e) { output.WriteLine($"client stop: {e.Message}"); }
                clientHost.Dispose();
            }
            b?.Dispose();
            a?.Dispose();
            output.WriteLine($"total {clock.Elapsed.TotalSeconds:F1}s");
        }
    }

    private async Task<ClusterStatus> WaitForAsync(IClusterClient client, Func<ClusterStatus, bool> condition, string what, params SiloProcess[] running)
    {
        var deadline = DateTime.UtcNow + JoinTimeout;
        ClusterStatus? last = null;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var silo in running)
            {
                if (silo.HasExited)
                    Assert.Fail($"silo {silo.Name} exited early:\n{silo.Output}");
            }
            try
            {
                last = await client.GetGrain<IClusterStatusGrain>(0).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(15));
                if (condition(last))
                    return last;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                lastError = e; // a gateway going away, a silo still joining …
            }
            await Task.Delay(500);
        }
        Assert.Fail($"timed out after {JoinTimeout} waiting for {what}; last status: " +
                    (last is null ? "none" : string.Join(", ", last.ActiveSilos.Select(s => $"{s.Name}={s.Status}"))) +
                    (lastError is null ? "" : $"; last error: {lastError.GetType().Name}: {lastError.Message}"));
        return null!;
    }

    private static async Task<string> GetWithRetryAsync(string url, SiloProcess silo)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await http.GetStringAsync(url);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !silo.HasExited)
            {
                await Task.Delay(250);
            }
        }
    }

    private static int[] DistinctFreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
            ports.Add(FinsamSiloConfiguration.FreeLoopbackPort());
        return [.. ports];
    }
}
