using Finsam.Core.Results;
using Finsam.Report;

namespace Finsam.Silo.Http;

/// <summary>
/// Board reports of finished runs. A report is CPU-heavy (charts): built on the thread pool, at most
/// one per core at a time so a burst of requests queues instead of starving the request threads (which
/// made Kestrel drop connections), and kept — a finished run's result never changes — so a burst for
/// the same run costs one build.
/// </summary>
public sealed class ReportCache
{
    private const int MaxKept = 32;
    private readonly SemaphoreSlim _building = new(Math.Max(1, Environment.ProcessorCount));
    private readonly Dictionary<(string, ReportLanguage), Lazy<Task<string>>> _kept = [];
    private readonly Queue<(string, ReportLanguage)> _order = new();
    private readonly Lock _lock = new();

    public Task<string> GetAsync(string runId, ReportLanguage language, string resultJson, CancellationToken ct)
    {
        Lazy<Task<string>> entry;
        lock (_lock)
        {
            // A build that failed is tried again, not served from the cache.
            if (!_kept.TryGetValue((runId, language), out entry!) || entry is { IsValueCreated: true, Value.IsFaulted: true })
            {
                entry = new Lazy<Task<string>>(() => BuildAsync(resultJson, language));
                if (_kept.TryAdd((runId, language), entry)) _order.Enqueue((runId, language));
                else _kept[(runId, language)] = entry;
                if (_order.Count > MaxKept) _kept.Remove(_order.Dequeue());
            }
        }
        return entry.Value.WaitAsync(ct);
    }

    private async Task<string> BuildAsync(string json, ReportLanguage language)
    {
        await _building.WaitAsync();
        try
        {
            return await Task.Run(() => ReportBuilder.Build(ResultWriter.FromJson(json), language));
        }
        finally
        {
            _building.Release();
        }
    }
}
