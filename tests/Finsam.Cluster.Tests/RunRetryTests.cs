using Finsam.Core.Loading;
using Finsam.Grains.Runs;
using Orleans.Runtime;

namespace Finsam.Cluster.Tests;

/// <summary>
/// Which replicate failures a run waits out: the cluster's (a silo lost, a call timed out) are
/// retried elsewhere; the replicate's own errors would recur identically, so the run fails at once.
/// </summary>
public sealed class RunRetryTests
{
    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new SiloUnavailableException("silo shutting down"), true },
        { new OrleansException("storage provider error"), true },
        { new TimeoutException("response timed out"), true },
        { new OperationCanceledException("the replicate's silo stopped it"), true },
        { new InvalidOperationException("a bug in the engine"), false },
        { new ArgumentException("a bad argument inside the replicate"), false },
        { new ScenarioException([new Diagnostic(new SourcePos("s.yaml", 3, 5), "insatser[0].capacity", "must be greater than 0")]), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_the_clusters_failures_are_retried(Exception failure, bool retried) =>
        Assert.Equal(retried, RunGrain.IsClusterFailure(failure, CancellationToken.None));

    [Fact]
    public void Nothing_is_retried_once_the_run_is_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.False(RunGrain.IsClusterFailure(new SiloUnavailableException("gone"), cancelled.Token));
        Assert.False(RunGrain.IsClusterFailure(new OperationCanceledException(cancelled.Token), cancelled.Token));
    }
}
