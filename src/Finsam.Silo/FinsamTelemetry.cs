using Finsam.Grains;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Finsam.Silo;

/// <summary>Telemetry settings, section <c>Telemetry</c>.</summary>
public sealed class FinsamTelemetryOptions
{
    /// <summary>Configuration section the options are bound from.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>Write traces and metrics to the console.</summary>
    public bool Console { get; set; }

    /// <summary>Exporters by name, comma separated: <c>console</c>, <c>otlp</c>, <c>none</c> (<c>--telemetry</c>).</summary>
    public string? Exporter { get; set; }

    /// <summary>OTLP endpoint (e.g. http://localhost:4317); set = export by OTLP.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Whether the console exporter is on.</summary>
    public bool ConsoleEnabled => Console || HasExporter("console");

    /// <summary>Whether the OTLP exporter is on.</summary>
    public bool OtlpEnabled => !string.IsNullOrWhiteSpace(OtlpEndpoint) || HasExporter("otlp");

    /// <summary>Whether any exporter is on (otherwise no telemetry pipeline is built).</summary>
    public bool Enabled => ConsoleEnabled || OtlpEnabled;

    private bool HasExporter(string name) =>
        (Exporter ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(name, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Wires Finsam's instruments (<see cref="FinsamInstruments"/>), Orleans' meters and the runtime's
/// to the exporters.
/// </summary>
public static class FinsamTelemetry
{
    /// <summary>Meter of the Orleans runtime.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>ActivitySource of Orleans' spans around application grain calls.</summary>
    public const string OrleansApplicationSourceName = "Microsoft.Orleans.Application";

    private static readonly string? Version = typeof(FinsamTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>
    /// Adds OpenTelemetry (OpenTelemetry.Extensions.Hosting) for Finsam's and Orleans' traces and
    /// meters plus .NET runtime metrics, exporting to the console and/or OTLP as
    /// <paramref name="options"/> says. Does nothing when no exporter is on.
    /// </summary>
    /// <param name="services">Host services.</param>
    /// <param name="options">Which exporters.</param>
    /// <param name="serviceName">OpenTelemetry service.name (e.g. finsam-silo, finsam-client).</param>
    /// <param name="instanceId">service.instance.id, e.g. the silo name.</param>
    public static IServiceCollection AddFinsamTelemetry(
        this IServiceCollection services,
        FinsamTelemetryOptions options,
        string serviceName = "finsam-silo",
        string? instanceId = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
            return services;

        Uri? otlp = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? null : new Uri(options.OtlpEndpoint);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: Version, serviceInstanceId: instanceId))
            .WithTracing(t =>
            {
                t.AddSource(FinsamInstruments.Name, OrleansApplicationSourceName);
                if (options.ConsoleEnabled)
                    t.AddConsoleExporter();
                if (options.OtlpEnabled)
                    t.AddOtlpExporter(o => { if (otlp is not null) o.Endpoint = otlp; });
            })
            .WithMetrics(m =>
            {
                m.AddMeter(FinsamInstruments.Name, OrleansMeterName);
                m.AddRuntimeInstrumentation();
                if (options.ConsoleEnabled)
                    m.AddConsoleExporter();
                if (options.OtlpEnabled)
                    m.AddOtlpExporter(o => { if (otlp is not null) o.Endpoint = otlp; });
            });
        return services;
    }
}
