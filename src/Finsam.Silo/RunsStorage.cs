using Finsam.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Storage;

namespace Finsam.Silo;

/// <summary>
/// The grain storage of runs and replicates (<see cref="FinsamSiloConfiguration.RunsStorage"/>) on
/// PostgreSQL: Orleans' ADO.NET storage behind <see cref="RetryingGrainStorage"/>, so a database
/// restart, stall or dropped connection pauses the grains that store, and a storage failure that
/// outlasts the retries reaches callers as an exception every silo can read.
/// </summary>
public static class RunsStorage
{
    /// <summary>Name of the ADO.NET storage underneath; the rows it writes do not depend on it.</summary>
    public const string DatabaseStorage = FinsamSiloConfiguration.RunsStorage + "-postgres";

    public static ISiloBuilder AddFinsamRunsStorage(this ISiloBuilder silo, string connectionString, TimeSpan? retryFor = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        silo.AddAdoNetGrainStorage(DatabaseStorage, o =>
        {
            o.Invariant = FinsamSiloConfiguration.NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
        silo.Services.AddKeyedSingleton<IGrainStorage>(FinsamSiloConfiguration.RunsStorage, (sp, _) => new RetryingGrainStorage(
            FinsamSiloConfiguration.RunsStorage,
            sp.GetRequiredKeyedService<IGrainStorage>(DatabaseStorage),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<RetryingGrainStorage>(),
            retryFor));
        return silo;
    }
}
