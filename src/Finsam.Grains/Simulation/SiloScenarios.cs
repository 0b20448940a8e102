using System.Collections.Concurrent;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// The scenarios this silo is running, by content key: each is rebuilt from its JSON once and shared
/// by every replicate of it on the silo. The key is computed once per run by the sender, never here.
/// Calibration sends its scenario once as a base (<see cref="ScenarioRef"/>) and then only edits: the
/// base is read from JSON once, each evaluation's scenario is the base with the edits applied.
/// </summary>
public sealed class SiloScenarios
{
    private const int MaxScenarios = 64;
    private const int MaxBases = 16;
    private readonly ConcurrentDictionary<string, Lazy<ScenarioIndex>> _scenarios = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Scenario>> _bases = new(StringComparer.Ordinal);

    // With FINSAM_TIMINGS=1 a silo writes its timings when it stops; marking here hooks that.
    public SiloScenarios() => Finsam.Core.Diagnostics.Timings.Mark("silo scenarios ready");

    public ScenarioIndex Index(ScenarioBlob blob) => Lookup(blob.Key, () => FromJson(blob.Json)).Value;

    /// <summary>
    /// The edited scenario's index, built on first use (<see cref="Lazy{T}.Value"/>, so not on a grain's
    /// turn); null when the reference carries no base JSON and this silo does not hold the base.
    /// </summary>
    public Lazy<ScenarioIndex>? Find(ScenarioRef scenario)
    {
        if (_scenarios.TryGetValue(scenario.Key, out var hit)) return hit;
        Lazy<Scenario>? baseScenario;
        if (scenario.BaseJson is { } json)
        {
            // An old base is cheap to send again: the sender is told (null answer) and resends it.
            if (_bases.Count >= MaxBases) _bases.Clear();
            baseScenario = _bases.GetOrAdd(scenario.BaseKey, _ => new Lazy<Scenario>(() => ScenarioJson.Deserialize(json)));
        }
        else if (!_bases.TryGetValue(scenario.BaseKey, out baseScenario)) return null;
        var edits = scenario.EditsJson;
        return Lookup(scenario.Key, () =>
        {
            var t = Finsam.Core.Diagnostics.Timings.Start();
            var s = edits is null ? baseScenario.Value : ScenarioJson.DeserializeEdits(edits).ApplyTo(baseScenario.Value);
            var ix = new ScenarioIndex(s);
            Finsam.Core.Diagnostics.Timings.Add("edited scenario indexed (silo)", t);
            return ix;
        });
    }

    private Lazy<ScenarioIndex> Lookup(string key, Func<ScenarioIndex> build)
    {
        // Calibration makes a new scenario per evaluation; an old one is cheap to rebuild if asked again.
        if (_scenarios.Count > MaxScenarios) _scenarios.Clear();
        return _scenarios.GetOrAdd(key, _ => new Lazy<ScenarioIndex>(build));
    }

    private static ScenarioIndex FromJson(string json)
    {
        var t = Finsam.Core.Diagnostics.Timings.Start();
        var ix = new ScenarioIndex(ScenarioJson.Deserialize(json));
        Finsam.Core.Diagnostics.Timings.Add("scenario from JSON and indexed (silo)", t);
        return ix;
    }
}
