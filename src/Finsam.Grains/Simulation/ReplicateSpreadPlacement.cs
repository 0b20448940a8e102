using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Finsam.Grains.Simulation;

/// <summary>
/// Places a replicate on the silo the run grain chose for it (the one with the most room, named in
/// the request context under <see cref="SiloKey"/>), so a fast or idle silo gets the next
/// replicate. Without a choice — or if the chosen silo is gone — replicate r goes to silo r mod n.
/// The replicate then runs whole there, with the in-process engine. The run grain also uses it to
/// reach each silo's <see cref="IReplicateSlotsGrain"/>, and <see cref="OrleansReplicateRunner"/>
/// each silo's <see cref="IReplicateWorkerGrain"/>.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("finsam.replicate-spread")]
public sealed class ReplicateSpreadPlacement : PlacementStrategy
{
    public const string SiloKey = "finsam.replicate-silo";
    public static readonly ReplicateSpreadPlacement Instance = new();

    /// <summary>Makes a call whose grain, if it is not yet active, is placed on <paramref name="silo"/>.</summary>
    public static Task<T> On<T>(SiloAddress silo, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(call);
        // The request context is read when the message is made, inside call(), before it first awaits.
        RequestContext.Set(SiloKey, silo.ToParsableString());
        try
        {
            return call();
        }
        finally
        {
            RequestContext.Remove(SiloKey);
        }
    }
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class ReplicateSpreadPlacementAttribute() : PlacementAttribute(ReplicateSpreadPlacement.Instance);

public sealed class ReplicateSpreadPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        if (target.RequestContextData?.GetValueOrDefault(ReplicateSpreadPlacement.SiloKey) is string chosen
            && silos.FirstOrDefault(s => s.ToParsableString() == chosen) is { } silo)
            return Task.FromResult(silo);
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var slash = key.LastIndexOf('/');
        var index = slash >= 0 && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            ? r
            : (int)((uint)key.GetHashCode(StringComparison.Ordinal) % (uint)silos.Length);
        return Task.FromResult(silos[index % silos.Length]);
    }

    public static void Register(IServiceCollection services) =>
        services.AddPlacementDirector<ReplicateSpreadPlacement, ReplicateSpreadPlacementDirector>();
}
