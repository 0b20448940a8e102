using Npgsql;

namespace Finsam.Silo;

/// <summary>
/// The project's own PostgreSQL schema for Orleans' ADO.NET clustering and grain storage
/// (<c>Sql/schema.sql</c>, embedded). Idempotent: apply it as often as you like.
/// </summary>
public static class DbSchema
{
    private const string ResourceName = "Finsam.Silo.Sql.schema.sql";

    // pg_advisory_xact_lock key: serialises concurrent `db init`s on one database.
    private const long SchemaLockKey = 0x46696E73616D; // "Finsam"

    /// <summary>Query keys the Orleans providers load from OrleansQuery.</summary>
    public static IReadOnlyList<string> RequiredQueryKeys { get; } =
    [
        // Microsoft.Orleans.Clustering.AdoNet
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey",
        "GatewaysQueryKey", "CleanupDefunctSiloEntriesKey",
        // Microsoft.Orleans.Persistence.AdoNet
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
    ];

    /// <summary>The SQL text of the schema.</summary>
    public static string Script
    {
        get
        {
            using var stream = typeof(DbSchema).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(DbSchema).Assembly.GetName().Name}.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Creates or updates the schema in the database of <paramref name="connectionString"/>, in one transaction.</summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var script = Script;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(script, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The required query keys that the database lacks (all of them when the schema is absent).</summary>
    public static async Task<IReadOnlyList<string>> MissingQueryKeysAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        await using (var exists = new NpgsqlCommand("SELECT to_regclass('orleansquery') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                return RequiredQueryKeys;
        }

        var present = new HashSet<string>(StringComparer.Ordinal);
        await using (var keys = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection))
        await using (var reader = await keys.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                present.Add(reader.GetString(0));
        }
        return RequiredQueryKeys.Where(k => !present.Contains(k)).ToList();
    }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> with a clear message when the schema is
    /// missing or incomplete (for a silo to fail fast before Orleans starts).
    /// </summary>
    public static async Task EnsureAppliedAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var missing = await MissingQueryKeysAsync(connectionString, cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The Finsam schema is missing or incomplete in this database (missing queries: {string.Join(", ", missing)}). " +
                "Apply it first: `finsam db init --connection \"…\"` or `dotnet run --project src/Finsam.Silo -- db init --connection \"…\"`.");
        }
    }
}
