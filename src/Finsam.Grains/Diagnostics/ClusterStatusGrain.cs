using Orleans.Concurrency;
using Orleans.Runtime;

namespace Finsam.Grains;

/// <inheritdoc cref="IClusterStatusGrain"/>
[StatelessWorker]
public sealed class ClusterStatusGrain : Grain, IClusterStatusGrain
{
    private readonly ILocalSiloDetails _silo;

    public ClusterStatusGrain(ILocalSiloDetails silo) => _silo = silo;

    public Task<SiloIdentity> WhoAmIAsync() => Task.FromResult(Self());

    public async Task<ClusterStatus> GetStatusAsync()
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var entries = await management.GetDetailedHosts(onlyActive: true);
        var active = entries
            .Select(e => new SiloIdentity(
                e.SiloAddress.ToParsableString(),
                e.SiloName,
                e.HostName,
                e.Status.ToString(),
                e.ProxyPort,
                DateTime.SpecifyKind(e.StartTime, DateTimeKind.Utc)))
            .OrderBy(s => s.Address, StringComparer.Ordinal)
            .ToList();

        // The membership view knows this silo's start time; prefer its entry.
        var self = Self();
        var me = active.FirstOrDefault(s => s.Address == self.Address);
        return new ClusterStatus(_silo.ClusterId, me ?? self, active);
    }

    private SiloIdentity Self() => new(
        _silo.SiloAddress.ToParsableString(),
        _silo.Name,
        _silo.DnsHostName,
        "Active",
        _silo.GatewayAddress?.Endpoint.Port ?? 0,
        StartTimeUtc: null);
}
