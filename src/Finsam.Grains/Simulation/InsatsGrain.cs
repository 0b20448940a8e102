using Finsam.Core.Analysis;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// An insats as planners ask about it: one activation per (scenario, insats), addressable from the
/// HTTP API and the command line. Its replicates fan out over the cluster (<see cref="OrleansReplicateRunner"/>).
/// </summary>
[Alias("finsam.IInsatsGrain")]
public interface IInsatsGrain : IGrainWithStringKey
{
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
    public string Key => $"plan/{Scenario.ContentKey()}/{Insats}";
}

[GenerateSerializer, Immutable, Alias("finsam.throughput-answer")]
public sealed record ThroughputAnswer(
    [property: Id(0)] ThroughputResult Throughput,
    [property: Id(1)] CapacityResult? Required);

public sealed class InsatsGrain : Grain, IInsatsGrain
{
    public async Task<ThroughputAnswer> ThroughputAsync(ThroughputQuery query, CancellationToken ct = default)
    {
        // Loading validates; a bad scenario or unknown insats surfaces as an exception to the caller.
        var scenario = query.Scenario.Load();
        var options = query.Scenario.Options;
        var runner = new OrleansReplicateRunner(GrainFactory);
        YearMonth? Month(string? text) => YearMonth.TryParse(text, out var ym) ? ym : null;
        var result = await Throughput.RunAsync(scenario, query.Insats, query.Capacity, options, Month(query.From), Month(query.To), runner, ct: ct);
        var required = query.MaxP90WaitMonths is { } wait
            ? await Throughput.RequiredCapacityAsync(scenario, query.Insats, wait, options, runner, ct: ct)
            : null;
        return new ThroughputAnswer(result, required);
    }
}
