using Finsam.Grains;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Finsam.Silo;

/// <summary>Cluster-client set-up for joining a running Finsam cluster.</summary>
public static class FinsamClientConfiguration
{
    /// <summary>
    /// A client of a PostgreSQL-backed cluster: finds the gateways of the active silos of
    /// <see cref="FinsamClusterOptions.ClusterId"/> through ADO.NET clustering.
    /// </summary>
    /// <param name="client">The client to configure.</param>
    /// <param name="options">Needs ConnectionString, ClusterId and ServiceId; ports are ignored.</param>
    /// <param name="connectRetryFor">Keep retrying the first connection for this long (e.g. while
    /// silos are still starting); null = fail at once when no gateway answers.</param>
    public static IClientBuilder ConfigurePostgres(IClientBuilder client, FinsamClusterOptions options, TimeSpan? connectRetryFor = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException($"A cluster client needs a connection string: --connection \"Host=…;Database=…\", --connection-file FILE, or {FinsamConfiguration.ConnectionVariable}.");
        var connectionString = options.ConnectionString;

        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = FinsamSiloConfiguration.NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
        client.AddActivityPropagation();
        client.Services.AddFinsamSerialization();

        if (connectRetryFor is { } window)
        {
            DateTime? deadline = null; // starts with the first failed attempt
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
                deadline ??= DateTime.UtcNow + window;
                if (DateTime.UtcNow >= deadline)
                    return false;
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
                return true;
            });
        }
        return client;
    }
}
