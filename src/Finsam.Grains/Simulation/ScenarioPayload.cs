using System.Security.Cryptography;
using System.Text;
using Finsam.Core.Loading;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// A scenario as it travels through the cluster: the file's text and its catalog, the chosen variant,
/// and the seed/replicate overrides. Every silo loads it to the same <see cref="Scenario"/>.
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

    /// <summary>A content hash: two payloads with the same key load to the same scenario.</summary>
    public string Key
    {
        get
        {
            var sb = new StringBuilder().Append(FileName).Append('\0').Append(Text).Append('\0');
            foreach (var (k, v) in Includes.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append(k).Append('\0').Append(v).Append('\0');
            sb.Append(Variant).Append('\0').Append(Seed).Append('\0').Append(Replicates);
            if (OverlayText is not null) sb.Append('\0').Append(OverlayFileName).Append('\0').Append(OverlayText);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..32];
        }
    }
}

/// <summary>
/// What a grain of one replicate needs to rebuild that replicate's world, and the run's trace context
/// (W3C traceparent) so each replicate's span joins the run's trace on whichever silo it runs.
/// </summary>
[GenerateSerializer, Immutable, Alias("finsam.replicate-spec")]
public sealed record ReplicateSpec(
    [property: Id(0)] string RunId,
    [property: Id(1)] ScenarioPayload Scenario,
    [property: Id(2)] int Replicate,
    [property: Id(3)] int ShardCount,
    [property: Id(4)] string? TraceParent = null)
{
    public string ActorKey(string kind, int index) => $"{RunId}/{Replicate}/{kind}{index}";
}
