using System.Diagnostics;
using System.Diagnostics.Metrics;
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
/// Finsam's own traces and meters. Grains record through the static instruments here;
/// <see cref="AddFinsamTelemetry"/> wires them, and Orleans' meters, to the exporters.
/// </summary>
public static class FinsamTelemetry
{
    /// <summary>Name of Finsam's ActivitySource and Meter.</summary>
    public const string Name = "Finsam";

    /// <summary>Meter of the Orleans runtime.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>ActivitySource of Orleans' spans around application grain calls.</summary>
    public const string OrleansApplicationSourceName = "Microsoft.Orleans.Application";

    /// <summary>Tag naming the insats on <see cref="QueueLength"/>.</summary>
    public const string InsatsTag = "insats";

    private static readonly string? Version = typeof(FinsamTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>Source of Finsam spans: a trace per run, a span per replicate.</summary>
    public static readonly ActivitySource ActivitySource = new(Name, Version);

    /// <summary>Meter of Finsam's instruments.</summary>
    public static readonly Meter Meter = new(Name, Version);

    /// <summary>Participant-months simulated (add the months stepped × participants in the step).</summary>
    public static readonly Counter<long> ParticipantMonths =
        Meter.CreateCounter<long>("finsam.participant_months", "{participant_month}", "Participant-months simulated");

    /// <summary>Replicates completed.</summary>
    public static readonly Counter<long> ReplicatesCompleted =
        Meter.CreateCounter<long>("finsam.replicates_completed", "{replicate}", "Replicates completed");

    /// <summary>Runs in progress: +1 when a run starts, −1 when it ends (done, failed or cancelled).</summary>
    public static readonly UpDownCounter<long> RunsActive =
        Meter.CreateUpDownCounter<long>("finsam.runs_active", "{run}", "Runs in progress");

    /// <summary>Queue length of an insats, recorded with tag <see cref="InsatsTag"/>; use <see cref="RecordQueueLength"/>.</summary>
    public static readonly Gauge<long> QueueLength =
        Meter.CreateGauge<long>("finsam.queue_length", "{participant}", "Participants waiting for an insats");

    /// <summary>Records the current queue length of <paramref name="insats"/>.</summary>
    public static void RecordQueueLength(string insats, long length) =>
        QueueLength.Record(length, new KeyValuePair<string, object?>(InsatsTag, insats));

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
                t.AddSource(Name, OrleansApplicationSourceName);
                if (options.ConsoleEnabled)
                    t.AddConsoleExporter();
                if (options.OtlpEnabled)
                    t.AddOtlpExporter(o => { if (otlp is not null) o.Endpoint = otlp; });
            })
            .WithMetrics(m =>
            {
                m.AddMeter(Name, OrleansMeterName);
                m.AddRuntimeInstrumentation();
                if (options.ConsoleEnabled)
                    m.AddConsoleExporter();
                if (options.OtlpEnabled)
                    m.AddOtlpExporter(o => { if (otlp is not null) o.Endpoint = otlp; });
            });
        return services;
    }
}
