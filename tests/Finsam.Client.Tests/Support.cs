using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Spectre.Console;

namespace Finsam.Client.Tests;

public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Example => Path.Combine(Root, "scenarios", "example-forbund.yaml");

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Finsam.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("Finsam.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A small run of the example scenario, shared by the report tests (it has recorded results, parties, three insatser).</summary>
public sealed class ExampleRun
{
    public RunSummary Summary { get; } = Summariser.Summarise(
        Simulator.RunAsync(ScenarioLoader.Load(Repo.Example), new RunOptions { Replicates = 8 }).GetAwaiter().GetResult());
}

/// <summary>The CLI as a user runs it, with its output captured.</summary>
public sealed class Cli
{
    private readonly StringWriter _out = new();

    public string Output => _out.ToString();

    public async Task<int> Run(params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(_out),
        });
        console.Profile.Width = 200;
        // As Main runs it: parse errors and failures become one line and an exit code; help goes to _out too.
        return await Program.InvokeAsync(console, Running.BackendOptions.Fixed(() => new Running.InProcessBackend()), args, _out);
    }
}

public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "finsam-client-" + Guid.NewGuid().ToString("N"));

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, true);
    }
}
