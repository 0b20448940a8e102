using Finsam.Core.Simulation;

namespace Finsam.Client.Running;

/// <summary>
/// Starts the embedded silo on the other core while the scenario is read, validated, loaded and checked against
/// the work budget, so its start-up overlaps that work instead of following it. A run refused after this point calls
/// the start off: nothing is left behind, and the refusal is not kept waiting for a silo.
/// </summary>
public sealed class EarlyStart : IAsyncDisposable
{
    private readonly IReplicateRunner? _runner;
    private readonly CancellationTokenSource? _cancel;
    private readonly Task? _starting;
    private bool _taken;

    private EarlyStart(IReplicateRunner? runner, CancellationToken ct)
    {
        if (runner is null) return;
        _runner = runner;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = _cancel.Token;
        _starting = Task.Run(() => runner.ConnectAsync(token), CancellationToken.None);
    }

    /// <summary>Begins starting the runner now when it is the embedded silo; otherwise does nothing.</summary>
    public static EarlyStart For(BackendOptions backends, System.CommandLine.ParseResult parse, CancellationToken ct) =>
        new(backends.Mode(parse) == "embedded" && backends.Create(parse) is OrleansBackend embedded ? embedded : null, ct);

    /// <summary>The started runner (the caller disposes it), or null when nothing was started early.</summary>
    public async Task<IReplicateRunner?> TakeAsync()
    {
        if (_runner is null) return null;
        _taken = true;
        await _starting!;
        return _runner;
    }

    public async ValueTask DisposeAsync()
    {
        if (_runner is null || _taken) return;
        // Refused: the start is called off and cleaned up in the background (a command-line process exits
        // at once; a host that started anyway is stopped), so the refusal is not delayed by it.
        await _cancel!.CancelAsync();
        var runner = _runner;
        var cancel = _cancel;
        _ = _starting!.ContinueWith(async _ =>
        {
            await runner.DisposeAsync();
            cancel.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
    }
}
