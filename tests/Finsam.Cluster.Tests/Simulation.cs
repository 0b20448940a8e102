using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Finsam.Grains.Runs;
using Finsam.Grains.Simulation;

namespace Finsam.Cluster.Tests;

/// <summary>Shared helpers for the tests that run scenarios through grains.</summary>
internal static class Simulation
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The scenario as the client sees it from the repository root.</summary>
    public static ScenarioSource Example(string file = "example-forbund.yaml") =>
        ScenarioSource.FromFile(Path.Combine(RepoRoot, "scenarios", file)) with { FileName = $"scenarios/{file}" };

    /// <summary>result.json of the plain in-process engine: the reference every distributed run must equal.</summary>
    public static async Task<string> InProcessJsonAsync(ScenarioSource source, int replicates, string? variant = null)
    {
        var scenario = ScenarioLoader.Load(source, variant);
        var run = await Simulator.RunAsync(scenario, new RunOptions { Replicates = replicates });
        return ResultWriter.ToJson(Summariser.Summarise(run));
    }

    /// <summary>Every file of the in-process engine's result folder (result.json without per-replicate rows, the CSV files with them).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> InProcessFilesAsync(ScenarioSource source, int replicates, string? variant = null)
    {
        var scenario = ScenarioLoader.Load(source, variant);
        var run = await Simulator.RunAsync(scenario, new RunOptions { Replicates = replicates });
        return ResultWriter.Files(Summariser.Summarise(run));
    }

    /// <summary>The folder holds exactly these files with exactly this text.</summary>
    public static void AssertFolder(IReadOnlyDictionary<string, string> expected, string dir)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (name, text) in expected) Assert.True(text == File.ReadAllText(Path.Combine(dir, name)), $"{name} differs");
    }

    public static RunRequest Request(ScenarioSource source, int replicates, string? variant = null, int shards = 0) =>
        new(ScenarioPayload.From(source, variant, new RunOptions { Replicates = replicates }), shards);

    /// <summary>Polls a run until it finishes, riding out silos that go away.</summary>
    public static async Task<RunStatus> WaitAsync(IRunGrain run, TimeSpan timeout, Func<RunStatus, Task>? onProgress = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            RunStatus status;
            try
            {
                status = await run.GetStatusAsync();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
                continue;
            }
            if (status.IsFinished) return status;
            if (onProgress is not null) await onProgress(status);
            if (DateTime.UtcNow > deadline) Assert.Fail($"run {status.RunId} not finished after {timeout}: {status.Completed}/{status.Total}");
            await Task.Delay(100);
        }
    }

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Finsam.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("Finsam.sln not found");
    }
}
