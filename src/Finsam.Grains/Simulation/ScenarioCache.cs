using System.Collections.Concurrent;
using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// Per-silo cache of loaded scenarios and replicate worlds. The grains of one replicate on the same
/// silo share one <see cref="ReplicateModel"/> instead of each parsing the YAML and drawing it again;
/// a model is dropped when the last grain using it releases it.
/// </summary>
public sealed class ScenarioCache
{
    private const int MaxScenarios = 32;
    private readonly ConcurrentDictionary<string, Lazy<ScenarioIndex>> _scenarios = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, int), (ReplicateModel Model, int Users)> _models = [];
    private readonly Lock _gate = new();

    public ScenarioIndex Index(ScenarioPayload payload)
    {
        if (_scenarios.Count > MaxScenarios) _scenarios.Clear();
        return _scenarios.GetOrAdd(payload.Key, _ => new Lazy<ScenarioIndex>(() => new ScenarioIndex(payload.Load()))).Value;
    }

    public ReplicateModel Acquire(ReplicateSpec spec)
    {
        var key = (spec.Scenario.Key + "/" + spec.RunId, spec.Replicate);
        lock (_gate)
        {
            if (_models.TryGetValue(key, out var entry))
            {
                _models[key] = (entry.Model, entry.Users + 1);
                return entry.Model;
            }
        }
        var model = new ReplicateModel(Index(spec.Scenario), spec.Replicate);
        lock (_gate)
        {
            // Another grain may have built it meanwhile; keep the first so all share one.
            if (_models.TryGetValue(key, out var entry))
            {
                _models[key] = (entry.Model, entry.Users + 1);
                return entry.Model;
            }
            _models[key] = (model, 1);
            return model;
        }
    }

    public void Release(ReplicateSpec spec)
    {
        var key = (spec.Scenario.Key + "/" + spec.RunId, spec.Replicate);
        lock (_gate)
        {
            if (!_models.TryGetValue(key, out var entry)) return;
            if (entry.Users <= 1) _models.Remove(key);
            else _models[key] = (entry.Model, entry.Users - 1);
        }
    }
}
