using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Client.Running;

/// <summary>Where a run executes. Every backend returns the same summary for the same scenario and seed.</summary>
public interface IRunBackend : IAsyncDisposable
{
    string Description { get; }
    Task<RunSummary> RunAsync(ScenarioSource source, string? variant, RunOptions options, IProgress<int> progress, CancellationToken ct);
}

/// <summary>Runs the Core engine directly in this process, on all cores.</summary>
public sealed class InProcessBackend : IRunBackend
{
    public string Description => "in-process engine";

    public async Task<RunSummary> RunAsync(ScenarioSource source, string? variant, RunOptions options, IProgress<int> progress, CancellationToken ct)
    {
        var scenario = ScenarioLoader.Load(source, variant);
        var run = await Simulator.RunAsync(scenario, options, progress, ct);
        return Summariser.Summarise(run);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
