using Finsam.Grains;
using Finsam.Grains.Runs;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Finsam.Silo;

/// <summary>
/// The reusable silo set-up of Finsam, shared by the silo executable, the command-line
/// client's embedded silo and the tests. Grain code relies on what this guarantees:
/// a grain storage named <see cref="RunsStorage"/> and the Finsam grains being loaded.
/// </summary>
public static class FinsamSiloConfiguration
{
    /// <summary>Name of the grain storage that holds runs and their results.</summary>
    public const string RunsStorage = "runs";

    /// <summary>ADO.NET invariant name of Npgsql.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// An in-process silo: localhost clustering, in-memory storage <see cref="RunsStorage"/>.
    /// </summary>
    /// <param name="silo">The silo to configure.</param>
    /// <param name="clusterId">Orleans ClusterId.</param>
    /// <param name="serviceId">Orleans ServiceId.</param>
    /// <param name="siloPort">Silo port on 127.0.0.1; 0 picks a free port (the default).</param>
    /// <param name="gatewayPort">Gateway port for outside clients; 0 = none (the default: the
    /// host's own <see cref="IClusterClient"/> talks to the silo in-process).</param>
    public static ISiloBuilder ConfigureEmbedded(
        ISiloBuilder silo,
        string clusterId = FinsamClusterOptions.DefaultId,
        string serviceId = FinsamClusterOptions.DefaultId,
        int siloPort = 0,
        int gatewayPort = 0)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (siloPort == 0)
            siloPort = FreeLoopbackPort();

        silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: gatewayPort, serviceId: serviceId, clusterId: clusterId);
        silo.Configure<SiloOptions>(o => o.SiloName = $"finsam-embedded-{siloPort}");
        silo.AddMemoryGrainStorage(RunsStorage);
        silo.AddActivityPropagation();
        // The directory cache is sized up front for a million grains elsewhere (an 18 MiB table and a gen2
        // collection at start-up); a silo on its own machine holds a handful of grains, all of them local.
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 10_000);
        // One silo, storage in its memory: a run has nothing to recover to, so replicates stream into it unstored.
        silo.Services.AddSingleton(RunPersistence.SingleProcess);
        silo.Services.AddFinsamGrainServices();
        return silo;
    }

    /// <summary>
    /// A silo of a PostgreSQL-backed cluster: ADO.NET clustering and ADO.NET grain storage
    /// <see cref="RunsStorage"/> on <see cref="FinsamClusterOptions.ConnectionString"/>,
    /// whose schema <see cref="DbSchema.ApplyAsync"/> creates.
    /// </summary>
    public static ISiloBuilder ConfigurePostgres(ISiloBuilder silo, FinsamClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var connectionString = options.ConnectionString!;

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        silo.Configure<SiloOptions>(o => o.SiloName = options.EffectiveSiloName);
        silo.ConfigureEndpoints(
            IPAddress.Parse(options.AdvertisedIp),
            options.SiloPort,
            options.GatewayPort,
            listenOnAnyHostAddress: options.ListenOnAnyHostAddress);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
        silo.AddFinsamRunsStorage(connectionString);
        silo.AddActivityPropagation();
        silo.Services.AddFinsamGrainServices();
        return silo;
    }

    /// <summary>
    /// <see cref="ConfigureEmbedded"/> or <see cref="ConfigurePostgres"/>, as
    /// <see cref="FinsamClusterOptions.Mode"/> says. In embedded mode the ports of
    /// <paramref name="options"/> are used as given.
    /// </summary>
    public static ISiloBuilder Configure(ISiloBuilder silo, FinsamClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Mode == ClusterMode.Postgres)
            return ConfigurePostgres(silo, options);

        ConfigureEmbedded(silo, options.ClusterId, options.ServiceId, options.SiloPort, options.GatewayPort);
        if (!string.IsNullOrWhiteSpace(options.SiloName))
            silo.Configure<SiloOptions>(o => o.SiloName = options.SiloName);
        return silo;
    }

    /// <summary>
    /// Starts a host with one embedded silo (see <see cref="ConfigureEmbedded"/>) and returns it;
    /// get the client with <c>host.Services.GetRequiredService&lt;IClusterClient&gt;()</c>.
    /// Dispose the host (after <c>StopAsync</c>) to shut the silo down.
    /// </summary>
    /// <param name="configure">Optional extra set-up of the host (logging, services, telemetry).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<IHost> StartEmbeddedAsync(
        Action<HostApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "finsam-embedded",
        });
        builder.UseOrleans(silo => ConfigureEmbedded(silo));
        configure?.Invoke(builder);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return host;
    }

    /// <summary>A TCP port that was free on 127.0.0.1 a moment ago.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
