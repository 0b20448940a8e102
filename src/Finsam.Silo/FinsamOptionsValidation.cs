using Finsam.Silo.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Finsam.Silo;

/// <summary>
/// The rules every Finsam setting must meet, as <see cref="IValidateOptions{TOptions}"/> (the options-with-validators
/// pattern Orleans uses). A host checks them at start (<see cref="AddFinsamOptions"/> with ValidateOnStart); the
/// programs also check them before building a host, since the silo's shape (ports, cluster mode) depends on them.
/// </summary>
public static class FinsamOptionsValidation
{
    /// <summary>
    /// Binds sections <c>Cluster</c>, <c>Http</c>, <c>Dashboard</c> and <c>Telemetry</c> as options, each with its
    /// validator, validated when the host starts. The connection string is read from its file when one is named.
    /// </summary>
    public static IServiceCollection AddFinsamOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FinsamClusterOptions>().Configure(o => Copy(FinsamConfiguration.GetClusterOptions(configuration), o)).ValidateOnStart();
        services.AddOptions<HttpOptions>().Bind(configuration.GetSection(HttpOptions.SectionName)).ValidateOnStart();
        services.AddOptions<FinsamDashboardOptions>().Bind(configuration.GetSection(FinsamDashboardOptions.SectionName)).ValidateOnStart();
        services.AddOptions<FinsamTelemetryOptions>().Bind(configuration.GetSection(FinsamTelemetryOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FinsamClusterOptions>, ClusterOptionsValidator>();
        services.AddSingleton<IValidateOptions<HttpOptions>, HttpOptionsValidator>();
        services.AddSingleton<IValidateOptions<FinsamDashboardOptions>, DashboardOptionsValidator>();
        services.AddSingleton<IValidateOptions<FinsamTelemetryOptions>, TelemetryOptionsValidator>();
        return services;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming every failure of <paramref name="options"/>; returns the options.</summary>
    public static T ThrowIfInvalid<T>(this IValidateOptions<T> validator, T options) where T : class
    {
        var failures = new List<string>();
        validator.Check(options, failures);
        return failures.Count == 0 ? options : throw new ArgumentException(string.Join(" ", failures));
    }

    /// <summary>Adds the failures of <paramref name="options"/> to <paramref name="failures"/>; returns the options.</summary>
    public static T Check<T>(this IValidateOptions<T> validator, T options, List<string> failures) where T : class
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(failures);
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed) failures.AddRange(result.Failures ?? [result.FailureMessage]);
        return options;
    }

    private static void Copy(FinsamClusterOptions from, FinsamClusterOptions to)
    {
        to.Mode = from.Mode;
        to.ConnectionString = from.ConnectionString;
        to.ConnectionFile = from.ConnectionFile;
        to.PasswordFile = from.PasswordFile;
        to.ClusterId = from.ClusterId;
        to.ServiceId = from.ServiceId;
        to.SiloName = from.SiloName;
        to.SiloPort = from.SiloPort;
        to.GatewayPort = from.GatewayPort;
        to.AdvertisedIp = from.AdvertisedIp;
        to.ListenOnAnyHostAddress = from.ListenOnAnyHostAddress;
    }

    internal static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

    internal static bool IsPort(int port) => port is >= 0 and <= 65535;
}

/// <summary>Section <c>Cluster</c>: ids, ports, address; a connection string in postgres mode.</summary>
public sealed class ClusterOptionsValidator : IValidateOptions<FinsamClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, FinsamClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
            failures.Add("Cluster:ClusterId (--cluster-id) must not be empty.");
        if (string.IsNullOrWhiteSpace(options.ServiceId))
            failures.Add("Cluster:ServiceId (--service-id) must not be empty.");
        if (!FinsamOptionsValidation.IsPort(options.SiloPort))
            failures.Add($"Cluster:SiloPort (--silo-port) {options.SiloPort} is not a TCP port.");
        if (!FinsamOptionsValidation.IsPort(options.GatewayPort))
            failures.Add($"Cluster:GatewayPort (--gateway-port) {options.GatewayPort} is not a TCP port.");
        if (!System.Net.IPAddress.TryParse(options.AdvertisedIp, out _))
            failures.Add($"Cluster:AdvertisedIp (--advertised-ip) '{options.AdvertisedIp}' is not an IP address.");
        if (options.Mode == ClusterMode.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                failures.Add($"A PostgreSQL cluster (--cluster postgres) needs a connection string: --connection \"Host=…;Database=…\", --connection-file FILE, or the environment variable {FinsamConfiguration.ConnectionVariable}.");
            else if (ConnectionStrings.Problem(options.ConnectionString) is { } problem)
                failures.Add($"Cluster:ConnectionString is not a PostgreSQL connection string: {problem}");
            if (options.SiloPort == 0)
                failures.Add("--cluster postgres needs a fixed --silo-port (0 is only for embedded silos).");
        }
        return FinsamOptionsValidation.Result(failures);
    }
}

/// <summary>Section <c>Http</c>: port, bind address (beyond loopback only with an API key), body limit.</summary>
public sealed class HttpOptionsValidator : IValidateOptions<HttpOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!FinsamOptionsValidation.IsPort(options.Port))
            failures.Add($"Http:Port (--http-port) {options.Port} is not a TCP port.");
        if (!System.Net.IPAddress.TryParse(options.Bind, out var ip) && options.Bind is not "localhost")
            failures.Add($"Http:Bind (--http-bind) '{options.Bind}' is not an IP address.");
        else if (ip is not null && !System.Net.IPAddress.IsLoopback(ip) && string.IsNullOrWhiteSpace(options.ApiKey))
            failures.Add($"The HTTP API would listen on {options.Bind}, beyond this machine: set an API key (--api-key or FINSAM_Http__ApiKey), or bind to 127.0.0.1.");
        if (options.MaxBodyBytes <= 0)
            failures.Add("Http:MaxBodyBytes must be positive.");
        if (options.MaxReplicates <= 0)
            failures.Add("Http:MaxReplicates must be positive.");
        return FinsamOptionsValidation.Result(failures);
    }
}

/// <summary>Section <c>Dashboard</c>: a TCP port or 0.</summary>
public sealed class DashboardOptionsValidator : IValidateOptions<FinsamDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, FinsamDashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FinsamOptionsValidation.IsPort(options.Port)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Dashboard:Port (--dashboard-port) {options.Port} is not a TCP port.");
    }
}

/// <summary>Section <c>Telemetry</c>: known exporter names, an absolute OTLP endpoint.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<FinsamTelemetryOptions>
{
    private static readonly string[] Exporters = ["console", "otlp", "none"];

    public ValidateOptionsResult Validate(string? name, FinsamTelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var e in (options.Exporter ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!Exporters.Contains(e, StringComparer.OrdinalIgnoreCase))
                failures.Add($"Telemetry:Exporter (--telemetry) '{e}' is not an exporter; use console, otlp or none.");
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out _))
            failures.Add($"Telemetry:OtlpEndpoint (--otlp-endpoint) '{options.OtlpEndpoint}' is not an absolute URL.");
        return FinsamOptionsValidation.Result(failures);
    }
}
