using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// Common life of the grains that make up one replicate: attached to a replicate's world on
/// <c>InitAsync</c>, detached and deactivated on <c>FinishAsync</c>.
/// </summary>
/// <remarks>
/// They are stateless workers with one activation per silo (<c>[StatelessWorker(1,
/// removeIdleWorkers: false)]</c>), though they keep the replicate's state between calls: only
/// their replicate grain calls them, so the one activation is on its silo, and a stateless worker
/// is never registered in the grain directory. Placed grains (<c>[PreferLocalPlacement]</c>) cost
/// a directory registration each, on whichever silo owns the key: at 10 000 participants that
/// was 13 % more CPU on one silo and 22 % on two (bench/cluster-scaling.sh). If a replicate is
/// retried on another silo, that silo's activations are initialised anew by <c>InitAsync</c>.
/// </remarks>
public abstract class ReplicateActorGrain(ScenarioCache cache) : Grain
{
    private ReplicateSpec? _spec;

    protected ReplicateModel? Model { get; private set; }

    protected ReplicateModel Attach(ReplicateSpec spec)
    {
        Detach();
        _spec = spec;
        return Model = cache.Acquire(spec);
    }

    /// <summary>
    /// The replicate's world. Missing only if this activation was deactivated mid-replicate (its silo
    /// stopping, say) and a call made a fresh one: the cluster's failure, so the run retries the replicate.
    /// </summary>
    protected ReplicateModel Require() =>
        Model ?? throw new OrleansException($"{GetType().Name} {this.GetPrimaryKeyString()} lost its replicate (its activation was replaced mid-run)");

    public Task FinishAsync()
    {
        Detach();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Detach();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private void Detach()
    {
        if (_spec is not null) cache.Release(_spec);
        _spec = null;
        Model = null;
    }
}
