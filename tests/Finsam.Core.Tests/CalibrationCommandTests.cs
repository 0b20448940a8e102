using Finsam.Client.Running;
using Finsam.Core.Loading;
using Spectre.Console;

namespace Finsam.Core.Tests;

/// <summary>The command line of overlays, calibrate and backtest, on files in a temporary folder.</summary>
public sealed class CalibrationCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "finsam-cal-" + Guid.NewGuid().ToString("N"));

    public CalibrationCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private static (int Exit, string Output) Cli(params string[] args) => CommandLine.Run(args);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string TinyWithRecords() => Write("tiny.yaml", new TinyScenario
    {
        Insatser = new TinyScenario().Insatser.Replace("exits: { Arbetande: 1 }", "exits: { dirichlet: { Arbetande: 1, Sjuk: 1 } }")
            .Replace("{ distribution: geometric, mean: 5 }", "{ distribution: geometric, mean: { triangular: [3, 5, 8] } }"),
        Extra = """
            recorded:
              - { id: exits, quantity: exit_occupation, insats: a, counts: { Arbetande: 30, Sjuk: 10 }, source: "made up" }
              - { id: ended, quantity: ended, insats: a, value: 40, source: "made up" }
            """,
    }.Yaml());

    [Fact]
    public void Validate_with_a_bad_overlay_prints_the_overlays_position_and_line()
    {
        var scenario = TinyWithRecords();
        var overlay = Write("bad-overlay.yaml", """
            finsam_overlay: 1
            base: tiny.yaml
            source: "test"
            set:
              insatser[a].capacity.places: -3
            """);

        var (exit, output) = Cli("validate", scenario, "--overlay", overlay);

        Assert.Equal(Finsam.Client.Commands.ValidateCommand.InvalidScenario, exit);
        Assert.Contains("bad-overlay.yaml:5:32", output, StringComparison.Ordinal);
        Assert.Contains("insatser[a].capacity.places: -3", output, StringComparison.Ordinal);   // the overlay's line echoed
    }

    [Fact]
    public void Calibrate_writes_an_overlay_that_run_accepts()
    {
        var scenario = TinyWithRecords();
        var overlay = Path.Combine(_dir, "fit", "tiny.calibrated.yaml");

        var (exit, output) = Cli("calibrate", scenario, "-n", "5", "--seed", "3", "--max-iterations", "15", "--out", overlay);

        Assert.True(exit == 0, output);
        Assert.Contains("Fitted values", output, StringComparison.Ordinal);
        Assert.Contains("Interval coverage:", output, StringComparison.Ordinal);
        Assert.True(File.Exists(overlay));
        var text = File.ReadAllText(overlay);
        Assert.Contains("base: ../tiny.yaml", text, StringComparison.Ordinal);
        Assert.Contains("insatser[a].exits: {dirichlet: {Arbetande: 31, Sjuk: 11}}", text, StringComparison.Ordinal);
        Assert.Empty(ScenarioLoader.Validate(ScenarioSource.FromFile(scenario).WithOverlay(overlay)));

        var (runExit, runOutput) = Cli("run", scenario, "--overlay", overlay, "-n", "3");
        Assert.True(runExit == 0, runOutput);
        Assert.Contains("overlay", runOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_prints_the_three_tables_and_writes_markdown()
    {
        var md = Path.Combine(_dir, "backtest.md");

        var (exit, output) = Cli("backtest", Path.Combine(Repo.Scenarios, "rar-sormland-2007.yaml"), "-n", "5", "--markdown", md);

        Assert.True(exit == 0, output);
        Assert.Contains("Total variation distance", output, StringComparison.Ordinal);
        Assert.Contains("ungdomstorget", output, StringComparison.Ordinal);
        var text = File.ReadAllText(md);
        Assert.Equal(3, text.Split("| **mean** |").Length - 1);
        Assert.Contains("| kv | 28 |", text, StringComparison.Ordinal);
    }
}
