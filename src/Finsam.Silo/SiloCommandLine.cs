using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Finsam.Silo;

/// <summary>
/// The silo's command line (System.CommandLine): <c>Finsam.Silo [options]</c> runs a silo, <c>db init</c> applies the
/// schema. Every switch is a configuration key (<see cref="FinsamConfiguration.SwitchMappings"/>); <c>--Section:Key value</c>
/// sets any other key.
/// </summary>
internal static class SiloCommandLine
{
    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["--cluster"] = "embedded|postgres (default embedded)",
        ["--connection"] = "PostgreSQL connection string (postgres mode, db init); better: --connection-file or FINSAM_CONNECTION",
        ["--connection-file"] = "file holding the connection string (or FINSAM_CONNECTION_FILE)",
        ["--password-file"] = "file holding the password, added to the connection string",
        ["--cluster-id"] = "Orleans cluster id (default finsam)",
        ["--service-id"] = "Orleans service id (default finsam)",
        ["--silo-name"] = "silo name (default finsam-HOST-PORT)",
        ["--silo-port"] = "silo-to-silo port (default 11111)",
        ["--gateway-port"] = "client gateway port (default 30000, 0 = none)",
        ["--advertised-ip"] = "address the silo advertises (default 127.0.0.1)",
        ["--dashboard-port"] = "Orleans Dashboard on 127.0.0.1 (default 8081, 0 = off)",
        ["--telemetry"] = "console|otlp (comma separated)",
        ["--otlp-endpoint"] = "OTLP endpoint URL",
        ["--parent-pid"] = "stop when that process is gone",
        ["--http-port"] = "HTTP API and web page (default 8080, 0 = off)",
        ["--http-bind"] = "address of the HTTP API (default 127.0.0.1; anything else needs --api-key)",
        ["--api-key"] = "required in the X-Api-Key header when set",
        ["--scenarios"] = "folder of shipped scenarios offered on the page",
    };

    public static RootCommand Create(Func<IConfigurationRoot, Dictionary<string, string?>, IReadOnlyList<string>, CancellationToken, Task<int>> runSilo)
    {
        var options = FinsamConfiguration.SwitchMappings.Select(m => new Option<string?>(m.Key)
        {
            Description = $"{Descriptions.GetValueOrDefault(m.Key, "")} [{m.Value}]",
            HelpName = "value",
            Recursive = true,
        }).ToList();

        var root = new RootCommand(
            "Finsam silo. Settings come from appsettings.json, then FINSAM_<Section>__<Key> environment variables " +
            "(FINSAM_CONNECTION, FINSAM_CONNECTION_FILE for the connection string), then these switches.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var o in options) root.Add(o);

        var init = new Command("init", "Create or update the PostgreSQL schema (idempotent).") { TreatUnmatchedTokensAsErrors = false };
        init.SetAction((parse, ct) => DbInitAsync(Configuration(parse, options, out _), ct));
        root.Add(new Command("db", "Database set-up for a PostgreSQL cluster.") { init });

        root.SetAction((parse, ct) =>
        {
            var configuration = Configuration(parse, options, out var switches);
            return runSilo(configuration, switches, parse.UnmatchedTokens, ct);
        });
        return root;
    }

    /// <summary>Parses, reports parse and configuration errors with exit code 2, otherwise runs the command.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        // "help" was accepted as a word before System.CommandLine; keep it.
        if (args is ["help"]) args = ["--help"];
        var parse = root.Parse(args);
        var stray = parse.UnmatchedTokens.Where(t => !IsConfigurationPair(t, parse.UnmatchedTokens)).ToList();
        if (parse.Errors.Count > 0 || stray.Count > 0)
        {
            foreach (var e in parse.Errors) await Console.Error.WriteLineAsync($"finsam-silo: {e.Message}");
            foreach (var t in stray) await Console.Error.WriteLineAsync($"finsam-silo: unknown argument '{t}'; see --help");
            return 2;
        }
        try
        {
            // The host handles SIGTERM and Ctrl-C itself (graceful silo shutdown takes longer than the parser's grace period).
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or OptionsValidationException
            || (e is AggregateException a && a.InnerExceptions.All(i => i is OptionsValidationException)))
        {
            await Console.Error.WriteLineAsync($"finsam-silo: {Message(e)}");
            return 2;
        }
    }

    /// <summary>An error's message with every failure of an options validation.</summary>
    public static string Message(Exception e) => e switch
    {
        OptionsValidationException v => "invalid configuration: " + string.Join(" ", v.Failures),
        AggregateException a => "invalid configuration: " + string.Join(" ", a.InnerExceptions.OfType<OptionsValidationException>().SelectMany(v => v.Failures)),
        _ => e.Message,
    };

    // `--Section:Key value` or `--Section:Key=value`, and the value that follows the first form.
    private static bool IsConfigurationPair(string token, IReadOnlyList<string> all)
    {
        if (token.StartsWith("--", StringComparison.Ordinal) && token.Contains(':', StringComparison.Ordinal)) return true;
        var i = all.ToList().IndexOf(token);
        return i > 0 && all[i - 1].StartsWith("--", StringComparison.Ordinal) && all[i - 1].Contains(':', StringComparison.Ordinal) && !all[i - 1].Contains('=', StringComparison.Ordinal);
    }

    private static IConfigurationRoot Configuration(ParseResult parse, List<Option<string?>> options, out Dictionary<string, string?> switches)
    {
        switches = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var o in options)
            if (parse.GetValue(o) is { } value)
                switches[FinsamConfiguration.SwitchMappings[o.Name]] = value;
        return FinsamConfiguration.Build(switches, parse.UnmatchedTokens);
    }

    private static async Task<int> DbInitAsync(IConfiguration configuration, CancellationToken ct)
    {
        var cluster = FinsamConfiguration.GetClusterOptions(configuration);
        if (string.IsNullOrWhiteSpace(cluster.ConnectionString))
        {
            await Console.Error.WriteLineAsync($"finsam-silo: db init needs a connection string: --connection \"Host=...;Database=...\", --connection-file FILE, or {FinsamConfiguration.ConnectionVariable}.");
            return 2;
        }
        if (ConnectionStrings.Problem(cluster.ConnectionString) is { } problem)
            throw new ArgumentException($"Cluster:ConnectionString is not a PostgreSQL connection string: {problem}");
        try
        {
            await DbSchema.ApplyAsync(cluster.ConnectionString, ct);
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"finsam-silo: db init failed on {ConnectionStrings.Describe(cluster.ConnectionString)}: {ConnectionStrings.Redact(e.Message, cluster.ConnectionString)}");
            return 1;
        }
        Console.WriteLine($"Finsam schema applied to {ConnectionStrings.Describe(cluster.ConnectionString)}.");
        return 0;
    }
}
