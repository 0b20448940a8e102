using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Finsam.Grains.Storage;

/// <summary>
/// Grain storage that rides out the database going away: a read, write or clear that fails for a
/// transient reason (the server restarting, a dropped connection, a stalled query timing out) is
/// tried again with growing pauses for up to <see cref="RetryFor"/>. Whatever still fails leaves as a
/// <see cref="StorageUnavailableException"/>, which any silo can deserialise — never as the
/// driver's exception. A conflicting write (<see cref="InconsistentStateException"/>) passes unchanged:
/// it says another activation stored the state, and retrying cannot fix that.
/// </summary>
public sealed class RetryingGrainStorage(string name, IGrainStorage inner, ILogger logger, TimeSpan? retryFor = null) : IGrainStorage
{
    /// <summary>Long enough for a restart or a stall of about a minute (a stalled query times out after 30 s).</summary>
    public static readonly TimeSpan DefaultRetryFor = TimeSpan.FromSeconds(90);

    public TimeSpan RetryFor { get; } = retryFor ?? DefaultRetryFor;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken ct) =>
        WithRetriesAsync("read", stateName, grainId, () => inner.ReadStateAsync(stateName, grainId, grainState, ct), ct);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken ct) =>
        WithRetriesAsync("write", stateName, grainId, () => inner.WriteStateAsync(stateName, grainId, grainState, ct), ct);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken ct) =>
        WithRetriesAsync("clear", stateName, grainId, () => inner.ClearStateAsync(stateName, grainId, grainState, ct), ct);

    private async Task WithRetriesAsync(string operation, string stateName, GrainId grainId, Func<Task> call, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                if (attempt > 1)
                    logger.LogInformation("Storage {Storage}: {Operation} of {State} for {Grain} got through after {Attempts} attempts, {Seconds:F1}s",
                        name, operation, stateName, grainId, attempt, clock.Elapsed.TotalSeconds);
                return;
            }
            catch (Exception e) when (e is InconsistentStateException || (e is OperationCanceledException && ct.IsCancellationRequested))
            {
                throw;
            }
            catch (Exception e) when (IsTransient(e) && clock.Elapsed < RetryFor)
            {
                if (attempt == 1)
                    logger.LogWarning(e, "Storage {Storage}: {Operation} of {State} for {Grain} failed; retrying for up to {Seconds:F0}s",
                        name, operation, stateName, grainId, RetryFor.TotalSeconds);
                await Task.Delay(Pause(attempt), ct);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Storage {Storage}: {Operation} of {State} for {Grain} failed after {Attempts} attempts, {Seconds:F1}s",
                    name, operation, stateName, grainId, attempt, clock.Elapsed.TotalSeconds);
                throw new StorageUnavailableException(
                    $"the {operation} of {stateName} state failed after {attempt} attempt(s) in {clock.Elapsed.TotalSeconds:F0}s: {Describe(e)}");
            }
        }
    }

    /// <summary>0.2 s doubling to 5 s: quick after a blip, gentle on a server that is starting up.</summary>
    public static TimeSpan Pause(int attempt) => TimeSpan.FromMilliseconds(Math.Min(200 * (1 << Math.Min(attempt - 1, 5)), 5000));

    /// <summary>
    /// Whether trying again may succeed: the connection or the server's availability failed, not the
    /// statement. PostgreSQL's SQLSTATE classes 08 (connection), 53 (resources), 57 (operator
    /// intervention: shutdown, starting up) and 58 (system) are, as is any failure underneath a
    /// socket, stream or timeout.
    /// </summary>
    public static bool IsTransient(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case DbException db when db.IsTransient || db.SqlState is ['0', '8', ..] or ['5', '3' or '7' or '8', ..]:
                case SocketException or IOException or TimeoutException:
                case OperationCanceledException:   // a command timeout, not ours (ours is rethrown above)
                    return true;
            }
        }
        return false;
    }

    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null && parts.Count < 3; x = x.InnerException)
            parts.Add($"{x.GetType().Name}: {x.Message}");
        return string.Join(" ← ", parts);
    }
}
