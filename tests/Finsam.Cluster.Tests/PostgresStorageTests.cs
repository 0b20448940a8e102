using Finsam.Grains;
using Finsam.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;

namespace Finsam.Cluster.Tests;

/// <summary>
/// The ADO.NET grain storage "runs" against the project's own schema: an in-process silo set
/// up by <see cref="FinsamSiloConfiguration.ConfigurePostgres"/>, with the test's probe grain.
/// </summary>
public sealed class PostgresStorageTests
{
    [Fact]
    public async Task Runs_storage_writes_reads_clears_and_detects_conflicts()
    {
        var connection = TestPostgres.ConnectionString;
        await DbSchema.ApplyAsync(connection);
        var options = new FinsamClusterOptions
        {
            Mode = ClusterMode.Postgres,
            ConnectionString = connection,
            ClusterId = $"st-{Guid.NewGuid():N}"[..16],
            ServiceId = $"st-{Guid.NewGuid():N}"[..16],
            SiloPort = FinsamSiloConfiguration.FreeLoopbackPort(),
            GatewayPort = 0,
            SiloName = "storage-test",
        };

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => FinsamSiloConfiguration.Configure(silo, options));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            Assert.Equal("storage-test", Assert.Single((await client.GetGrain<IClusterStatusGrain>(0).GetStatusAsync()).ActiveSilos).Name);

            var key = $"probe-{Guid.NewGuid():N}";
            var probe = client.GetGrain<IStorageProbeGrain>(key);
            Assert.False(await probe.RecordExistsAsync());
            await probe.SetAsync("first");
            Assert.Equal("1", await probe.GetETagAsync());
            await probe.SetAsync("second");
            Assert.Equal("2", await probe.GetETagAsync());

            // Read back by a new activation.
            await probe.DeactivateAsync();
            Assert.Equal("second", await client.GetGrain<IStorageProbeGrain>(key).GetAsync());
            Assert.Equal(1L, await TestPostgres.ScalarAsync<long>(connection,
                $"SELECT count(*) FROM OrleansStorage WHERE ServiceId = '{options.ServiceId}'"));

            // Someone else wrote meanwhile: the stale write is refused.
            await TestPostgres.ExecuteAsync(connection, $"UPDATE OrleansStorage SET Version = Version + 1 WHERE ServiceId = '{options.ServiceId}'");
            await Assert.ThrowsAsync<InconsistentStateException>(() => client.GetGrain<IStorageProbeGrain>(key).SetAsync("stale"));

            // A fresh activation reads the current version and can write and clear.
            await client.GetGrain<IStorageProbeGrain>(key).DeactivateAsync();
            probe = client.GetGrain<IStorageProbeGrain>(key);
            Assert.Equal("second", await probe.GetAsync());
            await probe.SetAsync("third");
            await probe.ClearAsync();
            await probe.DeactivateAsync();
            Assert.Null(await client.GetGrain<IStorageProbeGrain>(key).GetAsync());
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
