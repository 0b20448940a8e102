using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// Common life of the grains that make up one replicate: attached to a replicate's world on
/// <c>InitAsync</c>, detached and deactivated on <c>FinishAsync</c>.
/// </summary>
/// <remarks>
/// They are placed on the silo of the replicate grain that first calls them
/// (<c>[PreferLocalPlacement]</c>), so a replicate's month-by-month calls never leave its silo.
/// Each activation is registered in the grain directory, which for half the keys lives on another
/// silo; the replicate grain activates them before it waits for a compute slot, so that wait
/// overlaps the replicate computing before it.
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

    protected ReplicateModel Require() =>
        Model ?? throw new InvalidOperationException($"{GetType().Name} {this.GetPrimaryKeyString()} was not initialised for a replicate");

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
