using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;

namespace Finsam.Grains;

/// <summary>
/// Core's result types travel between silos as JSON (System.Text.Json), so Core stays free of Orleans
/// attributes. Between grains on one silo they are not copied: grain methods return them wrapped in
/// <see cref="Orleans.Concurrency.Immutable{T}"/>, built for that answer and never changed afterwards.
/// Silos and clients must both call <see cref="AddFinsamSerialization"/>.
/// </summary>
public static class FinsamSerialization
{
    public static bool IsCoreType(Type t) => t.Namespace?.StartsWith("Finsam.Core", StringComparison.Ordinal) == true;

    public static IServiceCollection AddFinsamSerialization(this IServiceCollection services) =>
        services.AddSerializer(b => b.AddJsonSerializer(isSerializable: IsCoreType, isCopyable: IsCoreType, configureOptions: null));

    /// <summary>Silo-side services the simulation grains need. Runs keep replicate results durably unless
    /// <see cref="Runs.RunPersistence"/> was registered before (the embedded silo registers <c>SingleProcess</c>).</summary>
    public static IServiceCollection AddFinsamGrainServices(this IServiceCollection services)
    {
        services.AddFinsamSerialization();
        services.TryAddSingleton(Runs.RunPersistence.Durable);
        services.AddSingleton<Simulation.SiloScenarios>();
        services.AddSingleton(_ => new Simulation.ReplicateSlots(Environment.ProcessorCount));
        Simulation.ReplicateSpreadPlacementDirector.Register(services);
        return services;
    }
}
