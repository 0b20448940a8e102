namespace Finsam.Grains.Simulation;

/// <summary>
/// How many replicates this silo computes at once: one per core. A replicate sent beyond that
/// waits here, already activated, and starts the moment another finishes. Replicates sharing a
/// core would finish together and leave the silo idle while the run grain sends the next batch;
/// one at a time per core, the next is always ready.
/// </summary>
public sealed class ReplicateSlots
{
    private readonly SemaphoreSlim _gate;

    public ReplicateSlots(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        _gate = new SemaphoreSlim(count);
    }

    public int Count { get; }

    /// <summary>Waits for a free slot; disposing the answer frees it.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        return new Slot(_gate);
    }

    private sealed class Slot(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}

/// <summary>A silo's <see cref="ReplicateSlots"/> count, asked by the run grain before it sends the silo work.</summary>
[Alias("finsam.IReplicateSlotsGrain")]
public interface IReplicateSlotsGrain : IGrainWithStringKey
{
    [Alias("Count")] Task<int> GetCountAsync();
}

// Keyed by a silo's address and placed there (the caller names the silo in the request context).
[ReplicateSpreadPlacement]
public sealed class ReplicateSlotsGrain(ReplicateSlots slots) : Grain, IReplicateSlotsGrain
{
    public Task<int> GetCountAsync() => Task.FromResult(slots.Count);
}
