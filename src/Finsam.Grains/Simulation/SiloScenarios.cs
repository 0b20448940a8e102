using System.Collections.Concurrent;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// The scenarios this silo is running, by content key: each is rebuilt from its JSON once and shared
/// by every replicate of it on the silo. The key is computed once per run by the sender, never here.
/// </summary>
public sealed class SiloScenarios
{
    private const int MaxScenarios = 64;
    private readonly ConcurrentDictionary<string, Lazy<ScenarioIndex>> _scenarios = new(StringComparer.Ordinal);

    public ScenarioIndex Index(ScenarioBlob blob)
    {
        // Calibration sends a new scenario per evaluation; an old one is cheap to rebuild if asked again.
        if (_scenarios.Count > MaxScenarios) _scenarios.Clear();
        return _scenarios.GetOrAdd(blob.Key, _ => new Lazy<ScenarioIndex>(() => new ScenarioIndex(ScenarioJson.Deserialize(blob.Json)))).Value;
    }
}
