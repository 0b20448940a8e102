using System.CommandLine;
using System.CommandLine.Parsing;
using Finsam.Client.Output;
using Finsam.Core.Loading;

namespace Finsam.Client.Commands;

/// <summary>Arguments and options several commands share, with their help texts.</summary>
public static class CommonOptions
{
    public static Argument<FileInfo> ScenarioFile() => new("file")
    {
        Description = "Scenario file (YAML). See docs/scenario-format.md.",
    };

    public static Option<string?> Variant() => new("--variant", "-v")
    {
        Description = "Apply a named variant of the scenario (its 'variants:' section), e.g. another budget split.",
    };

    public static Option<int?> Replicates() => new("--replicates", "-n")
    {
        Description = $"Number of Monte Carlo replicates, 1 to {WorkBudget.MaxReplicates} (default: the scenario's 'replicates').",
        CustomParser = r => ParseCount(r, WorkBudget.MaxReplicates),
    };

    public static Option<ulong?> Seed() => new("--seed", "-s")
    {
        Description = "Random seed (default: the scenario's 'seed'). The same seed gives identical numbers.",
    };

    public static Option<FileInfo?> Overlay() => new("--overlay")
    {
        Description = "Apply a scenario overlay after the variant (fitted values written by 'finsam calibrate'; see docs/scenario-format.md §12).",
    };

    /// <summary>Reads the scenario and, if given, its overlay; a missing file is reported as a diagnostic.</summary>
    public static (ScenarioSource? Source, Diagnostic? Missing) ReadSource(FileInfo file, FileInfo? overlay)
    {
        if (!file.Exists && !Directory.Exists(file.FullName)) return (null, new Diagnostic(new SourcePos(file.ToString(), 0, 0), "", "file not found"));
        if (overlay is not null && !overlay.Exists && !Directory.Exists(overlay.FullName)) return (null, new Diagnostic(new SourcePos(overlay.ToString(), 0, 0), "", "overlay file not found"));
        var source = ScenarioSource.FromFile(file.FullName);
        return (overlay is null ? source : source.WithOverlay(overlay.FullName), null);
    }

    public static Option<DirectoryInfo?> Out() => new("--out", "-o")
    {
        Description = "Write result.json and CSV files into this folder.",
    };

    /// <summary>A whole number from 1 to <paramref name="max"/>; anything else is one clear parse error (exit code 2).</summary>
    public static int? ParseCount(ArgumentResult r, int max)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max) return n;
        r.AddError($"{(r.Parent as OptionResult)?.Option.Name ?? "the value"} must be a whole number from 1 to {max}, not '{text}'");
        return null;
    }

    /// <summary>The option's value in a validator, or null when it did not parse (its parse error is reported by itself).</summary>
    public static T? ValueOrNull<T>(OptionResult r)
    {
        try { return r.GetValueOrDefault<T>(); }
        catch (InvalidOperationException) { return default; }
    }

    /// <summary>
    /// Opens and closes one connection with a short timeout, so an unreachable database is one clear line
    /// within seconds rather than a client that retries for half a minute and ends in a stack trace.
    /// </summary>
    /// <exception cref="UsageException">A connection string that cannot be parsed.</exception>
    /// <exception cref="DatabaseUnreachableException">No connection within the timeout.</exception>
    public static async Task CheckDatabaseAsync(string connectionString, CancellationToken ct)
    {
        Npgsql.NpgsqlConnectionStringBuilder cs;
        try
        {
            cs = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--connection is not a PostgreSQL connection string: {e.Message}");
        }
        cs.Timeout = Math.Min(cs.Timeout, 5);
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(cs.ConnectionString);
            await connection.OpenAsync(ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new DatabaseUnreachableException($"cannot reach the database {cs.Host}:{cs.Port}/{cs.Database}: {e.Message}");
        }
    }
}

/// <summary>The cluster's database does not answer; exit code 1.</summary>
public sealed class DatabaseUnreachableException(string message) : Exception(message);
