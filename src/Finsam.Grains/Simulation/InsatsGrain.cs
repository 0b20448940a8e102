using Finsam.Core.Analysis;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;
using Orleans.Concurrency;

namespace Finsam.Grains.Simulation;

/// <summary>An individual insats of one replicate: its places, its queue and its admissions.</summary>
[Alias("finsam.IInsatsGrain")]
public interface IInsatsGrain : IGrainWithStringKey
{
    [Alias("Init")] Task InitAsync(ReplicateSpec spec, int insats);

    /// <summary>
    /// The month's admissions. The grain sorts the new entries by (month, participant id) itself,
    /// so the order in which shards' entries arrive never changes who gets in.
    /// </summary>
    [Alias("Admit")] Task<AdmissionReport> AdmitAsync(int month, int leftLastMonth, QueueEntry[] entries);
    [Alias("Finish")] Task FinishAsync();

    /// <summary>
    /// For planners: expected admissions, exits, occupancy, queue and waits of this insats over the
    /// scenario's horizon (optionally with another capacity), and with a wait target the places needed.
    /// Called on a planning activation keyed by <see cref="ThroughputQuery.Key"/>.
    /// </summary>
    [Alias("Throughput")] Task<ThroughputAnswer> ThroughputAsync(ThroughputQuery query, CancellationToken ct = default);
}

/// <summary>A planner's question about one insats of a scenario.</summary>
[GenerateSerializer, Immutable, Alias("finsam.throughput-query")]
public sealed record ThroughputQuery(
    [property: Id(0)] ScenarioPayload Scenario,
    [property: Id(1)] string Insats,
    [property: Id(2)] int? Capacity,
    [property: Id(3)] double? MaxP90WaitMonths,
    [property: Id(4)] string? From = null,
    [property: Id(5)] string? To = null)
{
    public string Key => $"plan/{Scenario.Key}/{Insats}";
}

[GenerateSerializer, Immutable, Alias("finsam.throughput-answer")]
public sealed record ThroughputAnswer(
    [property: Id(0)] ThroughputResult Throughput,
    [property: Id(1)] CapacityResult? Required);

[StatelessWorker(1, removeIdleWorkers: false)]   // on its replicate's silo: see ReplicateActorGrain
public sealed class InsatsGrain(ScenarioCache cache) : ReplicateActorGrain(cache), IInsatsGrain
{
    private InsatsUnit? _unit;
    private string _id = "";

    public Task InitAsync(ReplicateSpec spec, int insats)
    {
        var model = Attach(spec);
        _unit = new InsatsUnit(model, insats);
        _id = model.Ix.Individual[insats].Id;
        return Task.CompletedTask;
    }

    public Task<AdmissionReport> AdmitAsync(int month, int leftLastMonth, QueueEntry[] entries)
    {
        Require();
        var report = _unit!.Admit(month, leftLastMonth, entries);
        FinsamInstruments.RecordQueueLength(_id, report.QueueLength);
        return Task.FromResult(report);
    }

    public async Task<ThroughputAnswer> ThroughputAsync(ThroughputQuery query, CancellationToken ct = default)
    {
        // Loading validates; a bad scenario or unknown insats surfaces as an exception to the caller.
        var scenario = query.Scenario.Load();
        var options = query.Scenario.Options;
        YearMonth? Month(string? text) => YearMonth.TryParse(text, out var ym) ? ym : null;
        var result = await Throughput.RunAsync(scenario, query.Insats, query.Capacity, options, Month(query.From), Month(query.To), ct: ct);
        var required = query.MaxP90WaitMonths is { } wait
            ? await Throughput.RequiredCapacityAsync(scenario, query.Insats, wait, options, ct: ct)
            : null;
        return new ThroughputAnswer(result, required);
    }
}
