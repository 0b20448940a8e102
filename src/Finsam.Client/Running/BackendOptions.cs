using System.CommandLine;
using System.CommandLine.Parsing;
using Finsam.Core.Simulation;
using Finsam.Silo;
using Microsoft.Extensions.Configuration;

namespace Finsam.Client.Running;

/// <summary>
/// Where commands run: <c>--cluster embedded</c> (default), <c>postgres</c> with a connection string, or <c>in-process</c>.
/// The same configuration story as the silo (<see cref="FinsamConfiguration"/>): appsettings.json, then <c>FINSAM_</c>
/// environment variables (<c>FINSAM_CONNECTION</c>, <c>FINSAM_CONNECTION_FILE</c>, <c>FINSAM_Cluster__Mode</c>, …), then these switches.
/// </summary>
public sealed class BackendOptions
{
    private const string InProcess = "in-process";
    private const string InProcessKey = "Client:InProcess";
    private readonly Func<IReplicateRunner>? _fixed;

    public BackendOptions() : this(null)
    {
    }

    private BackendOptions(Func<IReplicateRunner>? fixedBackend)
    {
        _fixed = fixedBackend;
        Cluster.AcceptOnlyFromAmong("embedded", "postgres", InProcess);
    }

    /// <summary>Always the given backend, whatever the options say (for tests).</summary>
    public static BackendOptions Fixed(Func<IReplicateRunner> backend) => new(backend);

    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = "Where to run: 'embedded' (an in-process Orleans silo, the default), 'postgres' (join a running cluster; needs a connection string), or 'in-process' (the engine without Orleans). Also FINSAM_Cluster__Mode.",
    };

    public Option<string?> Connection { get; } = new("--connection")
    {
        Description = "PostgreSQL connection string of the cluster, e.g. \"Host=127.0.0.1;Port=5432;Username=finsam;Database=finsam\". Keep the password out of the command line: FINSAM_CONNECTION, --connection-file, or PGPASSWORD.",
    };

    public Option<FileInfo?> ConnectionFile { get; } = new("--connection-file")
    {
        Description = "File holding the PostgreSQL connection string (also FINSAM_CONNECTION_FILE).",
    };

    public Option<string?> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Orleans cluster id to join (default finsam; also FINSAM_Cluster__ClusterId).",
    };

    public Option<string?> Telemetry { get; } = new("--telemetry")
    {
        Description = "Export traces and metrics of the run: 'console', 'otlp' (with --otlp-endpoint or OTEL defaults), or both ('console,otlp').",
    };

    public Option<string?> OtlpEndpoint { get; } = new("--otlp-endpoint")
    {
        Description = "OTLP endpoint for traces and metrics, e.g. http://localhost:4317.",
    };

    /// <summary>The options that say how to reach a PostgreSQL cluster (db init, cluster status, result).</summary>
    public IEnumerable<Option> ConnectionOptions => [Connection, ConnectionFile, ClusterId];

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(Cluster);
        command.Add(Connection);
        command.Add(ConnectionFile);
        command.Add(ClusterId);
        command.Add(Telemetry);
        command.Add(OtlpEndpoint);
        command.Validators.Add(CheckSettings);
    }

    /// <summary>Adds the connection options to a command that always talks to PostgreSQL, checked when parsed.</summary>
    public void AddConnectionTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var o in ConnectionOptions) command.Add(o);
        command.Validators.Add(r => Check(r, postgres: true));
    }

    /// <summary>The configuration of this command line: appsettings.json, FINSAM_ environment, then the switches given.</summary>
    public IConfigurationRoot Configuration(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return Configuration(parse.GetValue(Cluster), parse.GetValue(Connection), parse.GetValue(ConnectionFile), parse.GetValue(ClusterId), parse.GetValue(Telemetry), parse.GetValue(OtlpEndpoint));
    }

    /// <summary><c>embedded</c>, <c>postgres</c> or <c>in-process</c>, from the switch or the configuration.</summary>
    public string Mode(ParseResult parse) => Mode(Configuration(parse));

    public FinsamTelemetryOptions TelemetryOptions(ParseResult parse) => TelemetryOptions(Configuration(parse));

    /// <summary>
    /// For calibrate, backtest and throughput: in this process unless <c>--cluster</c> or the configuration names
    /// a place, since their many short simulations gain from a cluster only when there is one.
    /// </summary>
    public IReplicateRunner CreateForAnalysis(ParseResult parse) =>
        _fixed is null && parse.GetValue(Cluster) is null && Configuration(parse)["Cluster:Mode"] is not { Length: > 0 }
            ? new InProcessBackend()
            : Create(parse);

    public IReplicateRunner Create(ParseResult parse)
    {
        if (_fixed is not null) return _fixed();
        var configuration = Configuration(parse);
        return Mode(configuration) switch
        {
            InProcess => new InProcessBackend(),
            "postgres" => OrleansBackend.Cluster(ClusterOptions(configuration), TelemetryOptions(configuration)),
            _ => OrleansBackend.Embedded(TelemetryOptions(configuration)),
        };
    }

    /// <summary>The cluster options for commands that talk to PostgreSQL (db init, cluster status, result, --cluster postgres).</summary>
    /// <exception cref="ArgumentException">No usable connection string, or another bad setting; the message names it.</exception>
    public FinsamClusterOptions ClusterOptions(ParseResult parse) => ClusterOptions(Configuration(parse));

    private static FinsamClusterOptions ClusterOptions(IConfiguration configuration)
    {
        var bound = FinsamConfiguration.GetClusterOptions(configuration);
        // Only what a client uses: ports and names belong to silos.
        var options = new FinsamClusterOptions
        {
            Mode = ClusterMode.Postgres,
            ConnectionString = bound.ConnectionString,
            ClusterId = bound.ClusterId,
            ServiceId = bound.ServiceId,
        };
        options.Validate();
        return options;
    }

    private static FinsamTelemetryOptions TelemetryOptions(IConfiguration configuration)
    {
        return new TelemetryOptionsValidator().ThrowIfInvalid(FinsamConfiguration.GetTelemetryOptions(configuration));
    }

    // 'in-process' is the client's own choice, not a cluster mode, so it has its own key.
    private static string Mode(IConfiguration configuration) =>
        configuration[InProcessKey] is "true" ? InProcess
        : configuration["Cluster:Mode"] is { Length: > 0 } m ? m.Trim().ToLowerInvariant() : "embedded";

    private static IConfigurationRoot Configuration(string? cluster, string? connection, FileInfo? connectionFile, string? clusterId, string? telemetry, string? otlpEndpoint)
    {
        var switches = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Set(string option, string? value)
        {
            if (value is not null) switches[FinsamConfiguration.SwitchMappings[option]] = value;
        }
        if (cluster == InProcess) switches[InProcessKey] = "true";
        else Set("--cluster", cluster);
        Set("--connection", connection);
        Set("--connection-file", connectionFile?.FullName);
        Set("--cluster-id", clusterId);
        Set("--telemetry", telemetry);
        Set("--otlp-endpoint", otlpEndpoint);
        return FinsamConfiguration.Build(switches);
    }

    private void CheckSettings(CommandResult result)
    {
        if (_fixed is not null) return;
        Check(result, postgres: false);
    }

    // At parse time, so a missing connection string or a bad setting is one clear line before anything starts.
    private void Check(CommandResult result, bool postgres)
    {
        try
        {
            var configuration = Configuration(result.GetValue(Cluster), result.GetValue(Connection), result.GetValue(ConnectionFile),
                result.GetValue(ClusterId), result.GetValue(Telemetry), result.GetValue(OtlpEndpoint));
            TelemetryOptions(configuration);
            if (postgres || Mode(configuration) == "postgres") ClusterOptions(configuration);
        }
        catch (ArgumentException e)
        {
            result.AddError(e.Message);
        }
        catch (InvalidOperationException)
        {
            // An option that did not parse (--cluster kubernetes) reports its own error; exit code 2 like every bad option.
        }
    }
}
