using System.Collections.Concurrent;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// The scenarios this silo is running, by content key: each is rebuilt from its JSON once and shared
/// by every replicate of it on the silo. The key is computed once per run by the sender, never here.
/// A single-process silo (the embedded one) also takes scenarios by reference: the client's loaded
/// scenario for its run (<see cref="Offer"/>), and a run's index for its replicates (<see cref="Share"/>),
/// so that neither is parsed from YAML again nor turned into JSON and back.
/// </summary>
public sealed class SiloScenarios
{
    private const int MaxScenarios = 64;
    private const string LocalPrefix = "in-process:";
    private readonly ConcurrentDictionary<string, Lazy<ScenarioIndex>> _scenarios = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScenarioIndex> _shared = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Scenario> _offered = new(StringComparer.Ordinal);

    public ScenarioIndex Index(ScenarioBlob blob)
    {
        if (blob.Key.StartsWith(LocalPrefix, StringComparison.Ordinal))
            return _shared.TryGetValue(blob.Key, out var local) ? local
                : throw new InvalidOperationException($"scenario {blob.Key} was shared by reference on another silo; it cannot run here");
        // Calibration sends a new scenario per evaluation; an old one is cheap to rebuild if asked again.
        if (_scenarios.Count > MaxScenarios) _scenarios.Clear();
        return _scenarios.GetOrAdd(blob.Key, _ => new Lazy<ScenarioIndex>(() => new ScenarioIndex(ScenarioJson.Deserialize(blob.Json)))).Value;
    }

    /// <summary>A run's index for the replicates on this silo, by reference (a single-process silo only); <see cref="Unshare"/> when done.</summary>
    public ScenarioBlob Share(ScenarioIndex ix)
    {
        var key = LocalPrefix + Guid.NewGuid().ToString("N");
        _shared[key] = ix;
        return new ScenarioBlob(key, "");
    }

    public void Unshare(ScenarioBlob blob) => _shared.TryRemove(blob.Key, out _);

    /// <summary>
    /// The client in this process hands over the scenario it loaded and checked for run <paramref name="runId"/>
    /// (seed and replicates applied): exactly what the run's payload loads to, so the run grain need not load it again.
    /// </summary>
    public void Offer(string runId, Scenario scenario) => _offered[runId] = scenario;

    /// <summary>The scenario offered for the run, once; null when none was (the run grain loads its payload).</summary>
    public Scenario? TakeOffered(string runId) => _offered.TryRemove(runId, out var s) ? s : null;

    /// <summary>The scenario offered for the run, left in place for the run's driver.</summary>
    public Scenario? Offered(string runId) => _offered.TryGetValue(runId, out var s) ? s : null;
}
