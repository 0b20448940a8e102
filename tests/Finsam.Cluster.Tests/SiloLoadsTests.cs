using System.Net;
using System.Reflection;
using Finsam.Grains.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Finsam.Cluster.Tests;

/// <summary>
/// Where the run grain sends its next replicate. A silo that failed a call is suspected for a while,
/// and a retry may suspect a healthy silo (its call can still reach the lost one). Suspicion must
/// only steer the choice: when it covered every silo, a run with nothing in flight found no silo to
/// use and failed with "the cluster has no active silo" (the flaky silo-failure test).
/// </summary>
public sealed class SiloLoadsTests
{
    private static readonly SiloAddress A = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress B = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public async Task A_suspect_silo_gets_nothing_new_while_another_is_trusted()
    {
        var loads = new SiloLoads(Membership.Of(A, B), fixedLimit: 1, NullLogger.Instance);
        await loads.RefreshAsync();
        loads.Suspect(A);
        Assert.Equal(B, loads.TryTake());
        Assert.Null(loads.TryTake());   // B is full and busy: wait for it rather than use A
    }

    [Fact]
    public async Task With_every_silo_suspect_and_nothing_in_flight_a_silo_is_still_taken()
    {
        var loads = new SiloLoads(Membership.Of(A, B), fixedLimit: 1, NullLogger.Instance);
        await loads.RefreshAsync();
        loads.Suspect(A);
        loads.Suspect(B);
        var first = loads.TryTake();
        var second = loads.TryTake();
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Null(loads.TryTake());   // both full now
        loads.Return(first!);
        Assert.Equal(first, loads.TryTake());
    }

    [Fact]
    public async Task A_silo_that_left_the_membership_is_not_used()
    {
        var membership = Membership.Of(A, B);
        var loads = new SiloLoads(membership, fixedLimit: 1, NullLogger.Instance);
        await loads.RefreshAsync();
        Membership.Set(membership, B);
        await loads.RefreshAsync();
        Assert.Equal(1, loads.Count);
        Assert.Equal(B, loads.TryTake());
        Assert.Null(loads.TryTake());
    }

    /// <summary>A grain factory whose management grain reports a fixed set of active silos.</summary>
    private class Membership : DispatchProxy
    {
        private SiloAddress[] _silos = [];

        public static IGrainFactory Of(params SiloAddress[] silos)
        {
            var factory = Create<IGrainFactory, Membership>();
            Set(factory, silos);
            return factory;
        }

        public static void Set(IGrainFactory factory, params SiloAddress[] silos) => ((Membership)(object)factory)._silos = silos;

        protected override object? Invoke(MethodInfo? method, object?[]? args) => method?.Name switch
        {
            nameof(IGrainFactory.GetGrain) when method.ReturnType == typeof(IManagementGrain) => Hosts.For(this),
            _ => throw new NotSupportedException(method?.Name),
        };

        private class Hosts : DispatchProxy
        {
            private Membership _owner = null!;

            public static IManagementGrain For(Membership owner)
            {
                var grain = Create<IManagementGrain, Hosts>();
                ((Hosts)(object)grain)._owner = owner;
                return grain;
            }

            protected override object? Invoke(MethodInfo? method, object?[]? args) => method?.Name switch
            {
                nameof(IManagementGrain.GetHosts) => Task.FromResult(_owner._silos.ToDictionary(s => s, _ => SiloStatus.Active)),
                _ => throw new NotSupportedException(method?.Name),
            };
        }
    }
}
