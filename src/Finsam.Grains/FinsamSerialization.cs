using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;

namespace Finsam.Grains;

/// <summary>
/// Core's message and result types travel between silos as JSON (System.Text.Json), so Core stays
/// free of Orleans attributes. Between grains on the same silo they are passed by reference, not
/// copied: every Core message is built fresh for one call and never changed afterwards.
/// Silos and clients must both call <see cref="AddFinsamSerialization"/>.
/// </summary>
public static class FinsamSerialization
{
    public static bool IsCoreType(Type t) => t.Namespace?.StartsWith("Finsam.Core", StringComparison.Ordinal) == true;

    public static IServiceCollection AddFinsamSerialization(this IServiceCollection services) =>
        services.AddSerializer(b =>
        {
            b.AddJsonSerializer(isSerializable: IsCoreType, isCopyable: _ => false, configureOptions: null);
            b.Services.AddSingleton<IGeneralizedCopier, ImmutableCoreCopier>();
        });

    /// <summary>Silo-side services the simulation grains need.</summary>
    public static IServiceCollection AddFinsamGrainServices(this IServiceCollection services)
    {
        services.AddFinsamSerialization();
        services.AddSingleton<Simulation.ScenarioCache>();
        services.AddSingleton(_ => new Simulation.ReplicateSlots(Environment.ProcessorCount));
        Simulation.ReplicateSpreadPlacementDirector.Register(services);
        return services;
    }

    /// <summary>Treats Core messages as immutable for local calls (see the class comment).</summary>
    private sealed class ImmutableCoreCopier : IGeneralizedCopier
    {
        public bool IsSupportedType(Type type) => IsCoreType(type) || (type.IsArray && IsCoreType(ElementOf(type)));

        public object? DeepCopy(object? input, CopyContext context) => input;

        private static Type ElementOf(Type t)
        {
            while (t.IsArray) t = t.GetElementType()!;
            return t;
        }
    }
}
