using System.Text.Json;
using System.Text.Json.Serialization;

namespace Finsam.Core.Scenarios;

/// <summary>
/// A loaded (and possibly edited) scenario as JSON, so a runner can hand it to other processes —
/// calibration and backtests edit scenarios in memory, which a YAML file cannot carry. Every double
/// round-trips exactly (System.Text.Json writes the shortest form that reads back to the same bits).
/// </summary>
public static class ScenarioJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(Scenario scenario) => JsonSerializer.Serialize(scenario, Options);

    public static Scenario Deserialize(string json) =>
        JsonSerializer.Deserialize<Scenario>(json, Options) ?? throw new InvalidDataException("empty scenario JSON");

    /// <summary>Edits as JSON with their paths in ordinal order, so the same edits always give the same text (and key).</summary>
    public static string Serialize(Calibration.ScenarioEdits edits) => JsonSerializer.Serialize(new Calibration.ScenarioEdits(
        Sorted(edits.Values)!, Sorted(edits.Mixes), Sorted(edits.ExitModels)), Options);

    public static Calibration.ScenarioEdits DeserializeEdits(string json) =>
        JsonSerializer.Deserialize<Calibration.ScenarioEdits>(json, Options) ?? throw new InvalidDataException("empty scenario edits JSON");

    private static SortedDictionary<string, T>? Sorted<T>(IReadOnlyDictionary<string, T>? d) =>
        d is null ? null : new SortedDictionary<string, T>(d.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>A content key for caches: SHA-256 of the JSON, computed once per run by whoever sends it.</summary>
    public static string Key(string json) => ContentHash.Of(json);
}
