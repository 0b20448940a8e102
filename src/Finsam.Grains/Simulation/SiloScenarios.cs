using System.Collections.Concurrent;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// The scenarios this silo is running, by content key: each is rebuilt from its JSON once and shared
/// by every replicate of it on the silo. The key is computed once per run by the sender, never here.
/// Calibration sends its scenario once as a base (<see cref="ScenarioRef"/>) and then only edits: the
/// base is read from JSON once, each evaluation's scenario is the base with the edits applied.
/// A single-process silo (the embedded one) also takes scenarios by reference: the client's loaded
/// scenario for its run (<see cref="Offer"/>), and a run's index for its replicates (<see cref="Share"/>),
/// so that neither is parsed from YAML again nor turned into JSON and back.
/// </summary>
public sealed class SiloScenarios
{
    private const int MaxScenarios = 64;
    private const int MaxBases = 16;
    private const string LocalPrefix = "in-process:";
    private readonly ConcurrentDictionary<string, Lazy<ScenarioIndex>> _scenarios = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Scenario>> _bases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScenarioIndex> _shared = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Scenario> _offered = new(StringComparer.Ordinal);

    // With FINSAM_TIMINGS=1 a silo writes its timings when it stops; marking here hooks that.
    public SiloScenarios() => Finsam.Core.Diagnostics.Timings.Mark("silo scenarios ready");

    public ScenarioIndex Index(ScenarioBlob blob)
    {
        if (blob.Key.StartsWith(LocalPrefix, StringComparison.Ordinal))
            return _shared.TryGetValue(blob.Key, out var local) ? local
                : throw new InvalidOperationException($"scenario {blob.Key} was shared by reference on another silo; it cannot run here");
        return Lookup(blob.Key, () => FromJson(blob.Json)).Value;
    }

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
