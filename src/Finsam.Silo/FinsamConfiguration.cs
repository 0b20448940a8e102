using Microsoft.Extensions.Configuration;

namespace Finsam.Silo;

/// <summary>
/// Finsam's one configuration story, for the silo and the <c>finsam</c> client alike. Sources, each
/// overriding the one before: appsettings.json next to the program; environment variables with prefix
/// <c>FINSAM_</c> (<c>FINSAM_Cluster__ConnectionString</c>, and the short <c>FINSAM_CONNECTION</c> and
/// <c>FINSAM_CONNECTION_FILE</c>); the command-line switches of <see cref="SwitchMappings"/>.
/// </summary>
public static class FinsamConfiguration
{
    /// <summary>Prefix of Finsam's environment variables.</summary>
    public const string EnvironmentPrefix = "FINSAM_";

    /// <summary>Environment variable holding the PostgreSQL connection string (same as FINSAM_Cluster__ConnectionString).</summary>
    public const string ConnectionVariable = "FINSAM_CONNECTION";

    /// <summary>Environment variable naming a file that holds the connection string.</summary>
    public const string ConnectionFileVariable = "FINSAM_CONNECTION_FILE";

    private const string ConnectionStringKey = "Cluster:ConnectionString";
    private const string ConnectionFileKey = "Cluster:ConnectionFile";

    /// <summary>Command-line switches and the configuration keys they set.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--cluster"] = "Cluster:Mode",
        ["--connection"] = ConnectionStringKey,
        ["--connection-file"] = ConnectionFileKey,
        ["--password-file"] = "Cluster:PasswordFile",
        ["--cluster-id"] = "Cluster:ClusterId",
        ["--service-id"] = "Cluster:ServiceId",
        ["--silo-name"] = "Cluster:SiloName",
        ["--silo-port"] = "Cluster:SiloPort",
        ["--gateway-port"] = "Cluster:GatewayPort",
        ["--advertised-ip"] = "Cluster:AdvertisedIp",
        ["--dashboard-port"] = "Dashboard:Port",
        ["--telemetry"] = "Telemetry:Exporter",
        ["--otlp-endpoint"] = "Telemetry:OtlpEndpoint",
        ["--parent-pid"] = "Host:ParentPid",
        ["--http-port"] = "Http:Port",
        ["--http-bind"] = "Http:Bind",
        ["--api-key"] = "Http:ApiKey",
        ["--scenarios"] = "Http:Scenarios",
    };

    /// <summary>
    /// Adds the <c>FINSAM_</c> environment variables, then the switches given on the command line (as
    /// configuration keys, see <see cref="SwitchMappings"/>), then any <c>--Section:Key value</c> pairs in
    /// <paramref name="extraArgs"/>, on top of what <paramref name="builder"/> has.
    /// </summary>
    public static IConfigurationBuilder AddFinsamSources(this IConfigurationBuilder builder,
        IEnumerable<KeyValuePair<string, string?>> switches, IReadOnlyList<string>? extraArgs = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(switches);
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        var shortNames = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } connection)
            shortNames[ConnectionStringKey] = connection;
        if (Environment.GetEnvironmentVariable(ConnectionFileVariable) is { Length: > 0 } file)
            shortNames[ConnectionFileKey] = file;
        if (shortNames.Count > 0) builder.AddInMemoryCollection(shortNames);
        builder.AddInMemoryCollection(switches);
        if (extraArgs is { Count: > 0 }) builder.AddCommandLine([.. extraArgs]);
        return builder;
    }

    /// <summary>A stand-alone configuration: appsettings.json next to the program, FINSAM_ environment, switches.</summary>
    public static IConfigurationRoot Build(IEnumerable<KeyValuePair<string, string?>> switches, IReadOnlyList<string>? extraArgs = null) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddFinsamSources(switches, extraArgs)
            .Build();

    /// <summary>
    /// Section <c>Cluster</c> bound to <see cref="FinsamClusterOptions"/>, with the connection string read from
    /// <c>ConnectionFile</c> when the latest source that names a connection names the file, and the password
    /// from <c>PasswordFile</c>. Not validated: see <see cref="ClusterOptionsValidator"/>.
    /// </summary>
    public static FinsamClusterOptions GetClusterOptions(IConfiguration configuration)
    {
        var options = Bind<FinsamClusterOptions>(configuration, FinsamClusterOptions.SectionName);
        ConnectionStrings.ReadFiles(options, FileWins(configuration));
        return options;
    }

    /// <summary>Section <c>Http</c> bound to <see cref="Http.HttpOptions"/>.</summary>
    public static Http.HttpOptions GetHttpOptions(IConfiguration configuration) =>
        Bind<Http.HttpOptions>(configuration, Http.HttpOptions.SectionName);

    /// <summary>Section <c>Dashboard</c> bound to <see cref="FinsamDashboardOptions"/>.</summary>
    public static FinsamDashboardOptions GetDashboardOptions(IConfiguration configuration) =>
        Bind<FinsamDashboardOptions>(configuration, FinsamDashboardOptions.SectionName);

    /// <summary>Section <c>Telemetry</c> bound to <see cref="FinsamTelemetryOptions"/>.</summary>
    public static FinsamTelemetryOptions GetTelemetryOptions(IConfiguration configuration) =>
        Bind<FinsamTelemetryOptions>(configuration, FinsamTelemetryOptions.SectionName);

    // A connection string and a connection file both set: the later source decides, as for any other key;
    // both in one source is a mistake.
    private static bool FileWins(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root) return false;
        foreach (var provider in root.Providers.Reverse())
        {
            var hasString = provider.TryGet(ConnectionStringKey, out var s) && !string.IsNullOrWhiteSpace(s);
            var hasFile = provider.TryGet(ConnectionFileKey, out var f) && !string.IsNullOrWhiteSpace(f);
            if (hasString && hasFile)
                throw new ArgumentException("Give the connection string either directly (--connection, FINSAM_CONNECTION) or in a file (--connection-file, FINSAM_CONNECTION_FILE), not both in one place.");
            if (hasString || hasFile) return hasFile;
        }
        return false;
    }

    private static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the bad value.
            throw new ArgumentException($"Bad setting in section '{section}': {e.Message}", e);
        }
        return options;
    }
}
