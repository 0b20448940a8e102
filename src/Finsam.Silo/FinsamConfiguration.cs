using Microsoft.Extensions.Configuration;

namespace Finsam.Silo;

/// <summary>
/// Finsam's configuration sources and option binding: appsettings.json, then environment
/// variables with prefix <c>FINSAM_</c> (<c>FINSAM_Cluster__ConnectionString</c>), then the
/// command line, where the short switches below map onto configuration keys.
/// </summary>
public static class FinsamConfiguration
{
    /// <summary>Prefix of Finsam's environment variables.</summary>
    public const string EnvironmentPrefix = "FINSAM_";

    /// <summary>Command-line switches and the configuration keys they set.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--cluster"] = "Cluster:Mode",
        ["--connection"] = "Cluster:ConnectionString",
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
    /// Adds the <c>FINSAM_</c> environment variables and the command line (with
    /// <see cref="SwitchMappings"/>) on top of what <paramref name="builder"/> has.
    /// Words that do not start with <c>-</c> (such as <c>db init</c>) are ignored.
    /// </summary>
    public static IConfigurationBuilder AddFinsamSources(this IConfigurationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);
        return builder
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine(args, SwitchMappings.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>A stand-alone configuration: appsettings.json next to the program, FINSAM_ environment, command line.</summary>
    public static IConfigurationRoot Build(string[] args) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddFinsamSources(args)
            .Build();

    /// <summary>Section <c>Cluster</c> bound to <see cref="FinsamClusterOptions"/>.</summary>
    public static FinsamClusterOptions GetClusterOptions(IConfiguration configuration) =>
        Bind<FinsamClusterOptions>(configuration, FinsamClusterOptions.SectionName);

    /// <summary>Section <c>Http</c> bound to <see cref="Http.HttpOptions"/>.</summary>
    public static Http.HttpOptions GetHttpOptions(IConfiguration configuration) =>
        Bind<Http.HttpOptions>(configuration, Http.HttpOptions.SectionName);

    /// <summary>Section <c>Dashboard</c> bound to <see cref="FinsamDashboardOptions"/>.</summary>
    public static FinsamDashboardOptions GetDashboardOptions(IConfiguration configuration) =>
        Bind<FinsamDashboardOptions>(configuration, FinsamDashboardOptions.SectionName);

    /// <summary>Section <c>Telemetry</c> bound to <see cref="FinsamTelemetryOptions"/>.</summary>
    public static FinsamTelemetryOptions GetTelemetryOptions(IConfiguration configuration) =>
        Bind<FinsamTelemetryOptions>(configuration, FinsamTelemetryOptions.SectionName);

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
