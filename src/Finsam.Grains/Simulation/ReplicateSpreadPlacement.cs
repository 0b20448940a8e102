using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Finsam.Grains.Simulation;

/// <summary>
/// Places a replicate on the silo the run grain chose for it (the one with the fewest replicates
/// in flight, named in the request context under <see cref="SiloKey"/>), so a fast or idle silo
/// gets the next replicate. Without a choice — or if the chosen silo is gone — replicate r goes to
/// silo r mod n. A replicate's shard, insats and party grains follow it
/// (<see cref="PreferLocalPlacementAttribute"/>).
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("finsam.replicate-spread")]
public sealed class ReplicateSpreadPlacement : PlacementStrategy
{
    public const string SiloKey = "finsam.replicate-silo";
    public static readonly ReplicateSpreadPlacement Instance = new();
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
