using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Finsam.Grains;

/// <summary>
/// Core's message and result types travel between grains as JSON (System.Text.Json), so Core stays
/// free of Orleans attributes. Silos and clients must both call this.
/// </summary>
public static class FinsamSerialization
{
    public static IServiceCollection AddFinsamSerialization(this IServiceCollection services) =>
        services.AddSerializer(b => b.AddJsonSerializer(
            isSupported: t => t.Namespace?.StartsWith("Finsam.Core", StringComparison.Ordinal) == true));

    /// <summary>Silo-side services the simulation grains need.</summary>
    public static IServiceCollection AddFinsamGrainServices(this IServiceCollection services)
    {
        services.AddFinsamSerialization();
        services.AddSingleton<Simulation.ScenarioCache>();
        return services;
    }
}
