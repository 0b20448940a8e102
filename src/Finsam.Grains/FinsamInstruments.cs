using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Finsam.Grains;

/// <summary>
/// Finsam's own traces and meters. Grains record through these static instruments; the silo's
/// telemetry set-up exports them.
/// </summary>
public static class FinsamInstruments
{
    /// <summary>Name of Finsam's ActivitySource and Meter.</summary>
    public const string Name = "Finsam";

    /// <summary>Tag naming the insats on <see cref="QueueLength"/>.</summary>
    public const string InsatsTag = "insats";

    private static readonly string? Version = typeof(FinsamInstruments).Assembly.GetName().Version?.ToString();

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

}
