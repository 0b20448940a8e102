using Finsam.Grains.Simulation;

namespace Finsam.Cluster.Tests;

/// <summary>A silo computes only as many replicates at once as it has slots; the rest wait their turn.</summary>
public sealed class ReplicateSlotsTests
{
    [Fact]
    public async Task A_replicate_beyond_the_slots_waits_until_one_is_freed()
    {
        var slots = new ReplicateSlots(2);
        var first = await slots.EnterAsync(CancellationToken.None);
        var second = await slots.EnterAsync(CancellationToken.None);
        var third = slots.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(third.IsCompleted);

        first.Dispose();
        first.Dispose();   // freeing twice frees one slot, not two
        using var entered = await third.WaitAsync(TimeSpan.FromSeconds(5));
        var fourth = slots.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(fourth.IsCompleted);

        second.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task A_cancelled_wait_gives_up_without_taking_a_slot()
    {
        var slots = new ReplicateSlots(1);
        using (await slots.EnterAsync(CancellationToken.None))
        {
            using var cancel = new CancellationTokenSource();
            var waiting = slots.EnterAsync(cancel.Token);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }
        // The only slot is free again.
        (await slots.EnterAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public void A_silo_has_at_least_one_slot() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplicateSlots(0));
}
