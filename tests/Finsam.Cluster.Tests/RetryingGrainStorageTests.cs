using System.Data.Common;
using Finsam.Grains;
using Finsam.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace Finsam.Cluster.Tests;

/// <summary>
/// The storage boundary: a database that goes away is retried, and what still fails reaches callers
/// as an exception every silo can deserialise (an NpgsqlException could not cross silos, so a run
/// stored "Could not find a codec for type Npgsql.NpgsqlException" as its outcome).
/// </summary>
public sealed class RetryingGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("test", "g");

    [Fact]
    public async Task A_database_that_comes_back_is_waited_for()
    {
        var inner = new FlakyStorage(failures: 3, () => new FakeDbException("57P01", "terminating connection due to administrator command"));
        var storage = new RetryingGrainStorage("runs", inner, NullLogger.Instance, TimeSpan.FromSeconds(30));
        await storage.WriteStateAsync("run", Grain, new GrainState<int>(7));
        Assert.Equal(4, inner.Calls);
        Assert.Equal(7, inner.Stored);
    }

    [Fact]
    public async Task A_database_that_stays_away_fails_with_a_serialisable_error()
    {
        var inner = new FlakyStorage(failures: int.MaxValue, () => new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)));
        var storage = new RetryingGrainStorage("runs", inner, NullLogger.Instance, TimeSpan.FromMilliseconds(600));
        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadStateAsync("run", Grain, new GrainState<int>()));
        Assert.True(inner.Calls > 1, $"tried {inner.Calls} time(s)");
        Assert.Contains("NpgsqlException: Failed to connect", e.Message);
        Assert.IsAssignableFrom<OrleansException>(e);   // a run retries it as the cluster's failure

        var serializer = Serializer();
        var back = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(e));
        Assert.IsType<StorageUnavailableException>(back);
        Assert.Equal(e.Message, back.Message);
        // What it replaces could not travel at all.
        Assert.ThrowsAny<Exception>(() => serializer.SerializeToArray<Exception>(new NpgsqlException("x")));
    }

    [Fact]
    public async Task A_statement_error_is_not_retried_but_still_converted()
    {
        var inner = new FlakyStorage(failures: int.MaxValue, () => new FakeDbException("42P01", "relation \"orleansstorage\" does not exist"));
        var storage = new RetryingGrainStorage("runs", inner, NullLogger.Instance, TimeSpan.FromSeconds(30));
        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ClearStateAsync("run", Grain, new GrainState<int>()));
        Assert.Equal(1, inner.Calls);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task A_conflicting_write_passes_unchanged()
    {
        var inner = new FlakyStorage(failures: int.MaxValue, () => new InconsistentStateException("version conflict", "1", "2"));
        var storage = new RetryingGrainStorage("runs", inner, NullLogger.Instance, TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("run", Grain, new GrainState<int>(1)));
        Assert.Equal(1, inner.Calls);
    }

    [Theory]
    [InlineData("08006", true)]    // connection failure
    [InlineData("57P01", true)]    // admin shutdown (pg_ctl restart -m fast)
    [InlineData("57P03", true)]    // the database system is starting up
    [InlineData("53300", true)]    // too many connections
    [InlineData("42P01", false)]   // undefined table
    [InlineData("23505", false)]   // unique violation
    public void Transient_is_the_servers_availability_not_the_statement(string sqlState, bool transient) =>
        Assert.Equal(transient, RetryingGrainStorage.IsTransient(new FakeDbException(sqlState, "x")));

    private static Serializer Serializer() =>
        new ServiceCollection().AddFinsamSerialization().BuildServiceProvider().GetRequiredService<Serializer>();

    private sealed class FakeDbException(string sqlState, string message) : DbException(message)
    {
        public override string SqlState => sqlState;
    }

    private sealed class FlakyStorage(int failures, Func<Exception> failure) : IGrainStorage
    {
        public int Calls { get; private set; }
        public object? Stored { get; private set; }

        private Task Call(object? value)
        {
            if (++Calls <= failures) return Task.FromException(failure());
            Stored = value;
            return Task.CompletedTask;
        }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call(null);
        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call(grainState.State);
        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call(null);
    }
}
