using Finsam.Grains.Simulation;
using Microsoft.Extensions.Logging;

namespace Finsam.Grains.Runs;

/// <summary>
/// The run grain's view of where its replicates run: for each active silo, how many are in flight
/// and how many it takes at once — its replicate slots (one per core) plus one waiting, so the silo
/// starts its next replicate the moment one finishes. The next replicate goes to the silo with the
/// most room, so a faster or idler silo takes more of the run. A silo that just failed a call is
/// passed over for a while, as membership may still list a silo that is going away — but never so
/// that nothing can be dispatched: with nothing in flight, some silo always has room. Used only inside
/// the run grain's turns, so it needs no locking.
/// </summary>
internal sealed class SiloLoads(IGrainFactory grains, int fixedLimit, ILogger logger)
{
    private sealed class Load(int limit)
    {
        public int InFlight;
        public int Limit { get; } = limit;
        public double Fill => InFlight / (double)Limit;
    }

    private static readonly TimeSpan SuspectFor = TimeSpan.FromSeconds(30);
    private readonly Dictionary<SiloAddress, Load> _silos = [];
    private readonly Dictionary<SiloAddress, DateTime> _suspectUntil = [];

    /// <summary>
    /// Follows the membership: silos that left are dropped, silos that joined are asked their slots.
    /// If the membership cannot be read, the last view stands.
    /// </summary>
    public async Task RefreshAsync()
    {
        Dictionary<SiloAddress, SiloStatus> hosts;
        try
        {
            hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        }
        catch (Exception e) when (e is not OperationCanceledException && _silos.Count > 0)
        {
            logger.LogWarning(e, "Could not read the cluster membership; keeping the last view");
            return;
        }
        foreach (var gone in _silos.Keys.Where(s => !hosts.ContainsKey(s)).ToList())
        {
            _silos.Remove(gone);
            _suspectUntil.Remove(gone);
        }
        foreach (var silo in hosts.Keys.Where(s => !_silos.ContainsKey(s)).ToList())
        {
            var limit = fixedLimit > 0 ? fixedLimit : await SlotsOfAsync(silo) + 1;
            _silos.TryAdd(silo, new Load(limit));   // a refresh that ran meanwhile may have added it, with replicates counted
        }
    }

    /// <summary>
    /// The silo with the most room, counted as one more in flight; null when all are full. Suspicion
    /// only steers the choice: while some silo is trusted, suspect ones get nothing new; when every
    /// silo is suspect it says nothing, and they are used as they are. (A retry can also suspect a
    /// healthy silo: its call may still have gone to the lost one. Excluding every silo left the run
    /// with nothing to dispatch and nothing in flight, which it took for an empty cluster.)
    /// </summary>
    public SiloAddress? TryTake()
    {
        var withRoom = _silos.Where(kv => kv.Value.InFlight < kv.Value.Limit);
        return _silos.Keys.All(IsSuspect) ? Take(withRoom) : Take(withRoom.Where(kv => !IsSuspect(kv.Key)));
    }

    /// <summary>How many active silos this view knows.</summary>
    public int Count => _silos.Count;

    /// <summary>The least loaded silo even if full (for a retry), preferring silos that have not just failed.</summary>
    public SiloAddress TakeAny() =>
        Take(_silos.Where(kv => !IsSuspect(kv.Key))) ?? Take(_silos) ?? throw new InvalidOperationException("the cluster has no active silo");

    /// <summary>A call to <paramref name="silo"/> just failed: give it no new replicates for a while.</summary>
    public void Suspect(SiloAddress silo) => _suspectUntil[silo] = DateTime.UtcNow + SuspectFor;

    private bool IsSuspect(SiloAddress silo) => _suspectUntil.TryGetValue(silo, out var until) && DateTime.UtcNow < until;

    public void Return(SiloAddress silo)
    {
        if (_silos.TryGetValue(silo, out var load)) load.InFlight--;
    }

    private static SiloAddress? Take(IEnumerable<KeyValuePair<SiloAddress, Load>> candidates)
    {
        var best = candidates.OrderBy(kv => kv.Value.Fill).ThenBy(kv => kv.Key.ToParsableString(), StringComparer.Ordinal).FirstOrDefault();
        if (best.Key is null) return null;
        best.Value.InFlight++;
        return best.Key;
    }

    private async Task<int> SlotsOfAsync(SiloAddress silo)
    {
        try
        {
            return await ReplicateSpreadPlacement.On(silo,
                () => grains.GetGrain<IReplicateSlotsGrain>(silo.ToParsableString()).GetCountAsync());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not ask silo {Silo} for its replicate slots; assuming one", silo);
            return 1;
        }
    }
}
