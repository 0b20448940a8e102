using System.Text;
using Finsam.Core.Loading;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// A scenario file as it travels to a run grain: the file's text and its catalog, the chosen variant,
/// and the seed/replicate overrides. The run grain loads (validates) it once.
/// </summary>
[GenerateSerializer, Immutable, Alias("finsam.scenario-payload")]
public sealed record ScenarioPayload(
    [property: Id(0)] string FileName,
    [property: Id(1)] string Text,
    [property: Id(2)] Dictionary<string, string> Includes,
    [property: Id(3)] string? Variant,
    [property: Id(4)] ulong? Seed,
    [property: Id(5)] int? Replicates,
    [property: Id(6)] string? OverlayFileName = null,
    [property: Id(7)] string? OverlayText = null)
{
    public static ScenarioPayload From(ScenarioSource source, string? variant, RunOptions options) =>
        new(source.FileName, source.Text, new Dictionary<string, string>(source.Includes, StringComparer.Ordinal), variant, options.Seed, options.Replicates,
            source.Overlay?.FileName, source.Overlay?.Text);

    public ScenarioSource Source => new(FileName, Text, Includes)
    {
        Overlay = OverlayFileName is null || OverlayText is null ? null : new OverlaySource(OverlayFileName, OverlayText),
    };

    public RunOptions Options => new() { Seed = Seed, Replicates = Replicates };

    /// <summary>Loads and validates; throws <see cref="ScenarioException"/> with every problem.</summary>
    public Scenario Load() => Simulator.Apply(ScenarioLoader.Load(Source, Variant), Options);

    /// <summary>A content hash that names a planner activation; computed once per query, never per replicate.</summary>
    public string ContentKey()
    {
        var sb = new StringBuilder().Append(FileName).Append('\0').Append(Text).Append('\0');
        foreach (var (k, v) in Includes.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append(k).Append('\0').Append(v).Append('\0');
        sb.Append(Variant).Append('\0').Append(Seed).Append('\0').Append(Replicates);
        if (OverlayText is not null) sb.Append('\0').Append(OverlayFileName).Append('\0').Append(OverlayText);
        return ContentHash.Of(sb.ToString());
    }
}

/// <summary>
/// A loaded scenario (seed and replicates applied, possibly edited in memory by calibration) as JSON,
/// with its content key. Made once per run and shared by reference on a silo; silos rebuild the
/// scenario from it once per key (<see cref="SiloScenarios"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("finsam.scenario-blob")]
public sealed record ScenarioBlob([property: Id(0)] string Key, [property: Id(1)] string Json)
{
    public static ScenarioBlob Of(Scenario scenario)
    {
        var json = ScenarioJson.Serialize(scenario);
        return new ScenarioBlob(ScenarioJson.Key(json), json);
    }
}

/// <summary>
/// A scenario as the replicate workers get it: a base scenario named by its content key — with its JSON
/// only when the silo is not known to hold it yet — and the edits (JSON, paths in ordinal order) a
/// calibration evaluation applies to it. <see cref="Key"/> names the edited scenario in the silo's cache.
/// Most evaluations so carry a few hundred bytes instead of the whole scenario.
/// </summary>
[GenerateSerializer, Immutable, Alias("finsam.scenario-ref")]
public sealed record ScenarioRef(
    [property: Id(0)] string Key,
    [property: Id(1)] string BaseKey,
    [property: Id(2)] string? BaseJson,
    [property: Id(3)] string? EditsJson)
{
    public static ScenarioRef Of(ScenarioBlob baseScenario, string? editsJson) => new(
        editsJson is null ? baseScenario.Key : ContentHash.Of(baseScenario.Key + "\0" + editsJson),
        baseScenario.Key, baseScenario.Json, editsJson);

    /// <summary>The same reference without the base's JSON, for a silo that holds it.</summary>
    public ScenarioRef WithoutBase() => BaseJson is null ? this : this with { BaseJson = null };
}

/// <summary>
/// One replicate of a run, and the run's trace context (W3C traceparent) so each replicate's span
/// joins the run's trace on whichever silo it runs.
/// </summary>
[GenerateSerializer, Immutable, Alias("finsam.replicate-spec")]
public sealed record ReplicateSpec(
    [property: Id(0)] string RunId,
    [property: Id(1)] ScenarioBlob Scenario,
    [property: Id(2)] int Replicate,
    [property: Id(3)] int ShardCount,
    [property: Id(4)] string? TraceParent = null);
