using System.CommandLine;
using Finsam.Core.Simulation;
using Finsam.Silo;

namespace Finsam.Client.Running;

/// <summary>Where commands run: <c>--cluster embedded</c> (default), <c>postgres</c> with <c>--connection</c>, or <c>in-process</c>.</summary>
public sealed class BackendOptions
{
    private readonly Func<IReplicateRunner>? _fixed;

    public BackendOptions() : this(null)
    {
    }

    private BackendOptions(Func<IReplicateRunner>? fixedBackend, string defaultCluster = "embedded")
    {
        _fixed = fixedBackend;
        Cluster.DefaultValueFactory = _ => defaultCluster;
        Cluster.AcceptOnlyFromAmong("embedded", "postgres", "in-process");
    }

    /// <summary>The same choice for commands whose default is another place (calibrate, backtest, throughput: in-process).</summary>
    public BackendOptions WithDefault(string cluster) => new(_fixed, cluster);

    /// <summary>Always the given backend, whatever the options say (for tests).</summary>
    public static BackendOptions Fixed(Func<IReplicateRunner> backend) => new(backend);

    public Option<string> Cluster { get; } = new("--cluster")
    {
        Description = "Where to run: 'embedded' (an in-process Orleans silo, the default), 'postgres' (join a running cluster; needs --connection), or 'in-process' (the engine without Orleans).",
        DefaultValueFactory = _ => "embedded",
    };

    public Option<string?> Connection { get; } = new("--connection")
    {
        Description = "PostgreSQL connection string of the cluster, e.g. \"Host=127.0.0.1;Port=5432;Username=finsam;Password=…;Database=finsam\".",
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Orleans cluster id to join (default finsam).",
        DefaultValueFactory = _ => FinsamClusterOptions.DefaultId,
    };

    public Option<string?> Telemetry { get; } = new("--telemetry")
    {
        Description = "Export traces and metrics of the run: 'console', 'otlp' (with --otlp-endpoint or OTEL defaults), or both ('console,otlp').",
    };

    public Option<string?> OtlpEndpoint { get; } = new("--otlp-endpoint")
    {
        Description = "OTLP endpoint for traces and metrics, e.g. http://localhost:4317.",
    };

    public void AddTo(Command command)
    {
        command.Add(Cluster);
        command.Add(Connection);
        command.Add(ClusterId);
        command.Add(Telemetry);
        command.Add(OtlpEndpoint);
    }

    private FinsamTelemetryOptions TelemetryOptions(ParseResult parse) => new()
    {
        Exporter = parse.GetValue(Telemetry),
        OtlpEndpoint = parse.GetValue(OtlpEndpoint),
    };

    public IReplicateRunner Create(ParseResult parse) => _fixed?.Invoke() ?? parse.GetValue(Cluster) switch
    {
        "in-process" => new InProcessBackend(),
        "postgres" => OrleansBackend.Cluster(ClusterOptions(parse), TelemetryOptions(parse)),
        _ => OrleansBackend.Embedded(TelemetryOptions(parse)),
    };

    /// <summary>The cluster options for commands that talk to PostgreSQL directly (db init, cluster status).</summary>
    public FinsamClusterOptions ClusterOptions(ParseResult parse) => new()
    {
        Mode = ClusterMode.Postgres,
        ConnectionString = parse.GetValue(Connection) ?? throw new ArgumentException("--connection \"Host=…;Database=…\" is required"),
        ClusterId = parse.GetValue(ClusterId) ?? FinsamClusterOptions.DefaultId,
        ServiceId = FinsamClusterOptions.DefaultId,
    };
}
