using System.Text.RegularExpressions;
using Finsam.Core.Loading;

namespace Finsam.Core.Tests;

/// <summary>
/// What the corpus cannot hold (issue 10): files that are not plain files, a file named after a person, broken
/// catalogs, priors and valuation files next to the scenario, overlays, options, and work over the budget for the
/// commands that run many simulations. Each must end with exit code 2, a file:line:column where there is a file,
/// nothing written, and no identity number echoed.
/// </summary>
public sealed class NewUserInputTests : IDisposable
{
    private const string Pn = "19850709-9805";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "finsam-newuser-" + Guid.NewGuid().ToString("N"));
    private readonly string _out;

    public NewUserInputTests()
    {
        Directory.CreateDirectory(_dir);
        _out = Path.Combine(_dir, "out");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Valid => new TinyScenario().Yaml();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs validate and run on a file; both must refuse it at a position in <paramref name="shown"/>.</summary>
    private void Refused(string path, string shown, string expected, params string[] extra)
    {
        foreach (var command in new[] { "validate", "run" })
        {
            string[] args = command == "run" ? ["run", path, "--out", _out, "--replicates", "2", .. extra] : ["validate", path, .. extra];
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (exit, output) = CommandLine.Run(args);
            // A runaway guard, not a speed test: a pipe or a device must never block the command.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{command}: {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.True(exit == 2, $"{command} {path}: exit {exit}\n{output}");
            Assert.Matches(@$"{Regex.Escape(shown)}:\d+:\d+: ", output);
            Assert.Contains(expected, output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            Assert.DoesNotContain("0709-9805", output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(_out), $"{command}: the output folder was created");
        }
    }

    [Fact]
    public void A_folder_given_as_the_scenario_is_refused_as_a_folder()
    {
        var folder = Path.Combine(_dir, "scenarios");
        Directory.CreateDirectory(folder);
        var (exit, output) = CommandLine.Run("run", folder, "--out", _out);
        Assert.Equal(2, exit);
        Assert.Contains("this is a folder, not a file", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_out));
    }

    [Fact]
    public void A_link_that_points_nowhere_and_a_loop_of_links_are_refused()
    {
        var dangling = Path.Combine(_dir, "dangling.yaml");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir, "nowhere.yaml"));
        Refused(dangling, "dangling.yaml", "file not found (a link that points nowhere?)");

        var a = Path.Combine(_dir, "a.yaml");
        File.CreateSymbolicLink(a, Path.Combine(_dir, "b.yaml"));
        File.CreateSymbolicLink(Path.Combine(_dir, "b.yaml"), a);
        Refused(a, "a.yaml", "the file cannot be read");
    }

    [Fact]
    public void A_pipe_or_a_device_never_blocks_or_fills_memory()
    {
        if (!OperatingSystem.IsLinux()) return;
        var fifo = Path.Combine(_dir, "pipe.yaml");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        Refused(fifo, "pipe.yaml", "the file is empty");
        Refused("/dev/zero", "/dev/zero", "the file is empty");
    }

    [Fact]
    public void A_scenario_file_named_after_a_person_is_refused_without_echoing_the_name()
    {
        var path = Write($"{Pn}.yaml", Valid);
        Refused(path, "1985****-****.yaml", "the file's name holds a Swedish personal identity number");
    }

    [Theory]
    [InlineData("catalog: c.yaml", "c.yaml", "", "c.yaml:1:1: the file is empty")]
    [InlineData("catalog: c.yaml", "c.yaml", "finsam_catalog: 1\nname: c\nincome_state: []\n", "c.yaml:3:1: income_state: unknown key 'income_state' (did you mean 'income_states'?)")]
    [InlineData("catalog: c.yaml", "c.yaml", "finsam_catalog: 1\nname: S\u0007der\n", "c.yaml:2:8: a control character (U+0007)")]
    [InlineData("priors: p.yaml", "p.yaml", "finsam_priors: 1\nkinds: {\n", "p.yaml:1:1: YAML syntax error: the priors file cannot be read")]
    [InlineData("priors: p.yaml", "p.yaml", "finsam_priors: 7\nkinds: {}\n", "p.yaml:1:16: finsam_priors: unsupported priors version 7")]
    [InlineData("economics: { valuation: v.yaml }", "v.yaml", "", "v.yaml:1:1: a valuation catalog is a mapping starting with 'finsam_valuation: 1'")]
    public void A_broken_file_the_scenario_names_is_reported_in_that_file(string line, string include, string text, string expected)
    {
        Write(include, text);
        var path = Write("s.yaml", line + "\n" + Valid);
        Refused(path, include, expected);
    }

    [Fact]
    public void A_catalog_in_latin1_is_refused_at_its_first_bad_byte()
    {
        File.WriteAllBytes(Path.Combine(_dir, "c.yaml"), [.. "finsam_catalog: 1\nname: S"u8, 0xF6, .. "der\n"u8]);
        Refused(Write("s.yaml", "catalog: c.yaml\n" + Valid), "c.yaml", "c.yaml:2:8: the file is not UTF-8 text (byte 0xF6 here)");
    }

    private const string Overlay = "finsam_overlay: 1\nbase: s.yaml\nsource: test\nset:\n  insatser[a].capacity.places: 12\n";

    [Theory]
    [InlineData("insatser[a]", "insatser[b]", "o.yaml:5:3: set.insatser[b].capacity.places: the overlay overrides 'insatser[b].capacity.places', but 'insatser' has no item 'b'")]
    [InlineData("places: 12", "places: -12", "o.yaml:5:32: insatser[a].capacity.places: capacity must be greater than 0")]
    [InlineData("source: test", "source: " + Pn, "o.yaml:3:9: a Swedish personal identity number (1985****-****)")]
    [InlineData("finsam_overlay: 1", "finsam_overlay: 3", "o.yaml:1:17: finsam_overlay: unsupported overlay version 3")]
    [InlineData("set:\n", "set: [\n", "o.yaml:")]
    public void A_broken_overlay_is_reported_in_the_overlay(string from, string to, string expected)
    {
        var scenario = Write("s.yaml", Valid);
        var overlay = Write("o.yaml", Overlay.Replace(from, to, StringComparison.Ordinal));
        Refused(scenario, "o.yaml", expected, "--overlay", overlay);
    }

    [Fact]
    public void A_folder_given_as_the_overlay_is_refused_as_a_folder()
    {
        var scenario = Write("s.yaml", Valid);
        Directory.CreateDirectory(Path.Combine(_dir, "od"));
        Refused(scenario, "od", "this is a folder, not a file", "--overlay", Path.Combine(_dir, "od"));
    }

    [Theory]
    [InlineData("--cluster", "kubernetes", "'kubernetes' not recognized")]
    [InlineData("--run-id", Pn, "--run-id must be 1–100 letters, digits")]
    [InlineData("--run-id", "../../etc", "--run-id must be 1–100 letters, digits")]
    [InlineData("--replicates", "1e3", "--replicates must be a whole number from 1 to 100000")]
    public void A_bad_option_exits_with_2_before_anything_runs(string option, string value, string expected)
    {
        var (exit, output) = CommandLine.Run("run", Write("s.yaml", Valid), "--out", _out, option, value);
        Assert.Equal(2, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("0709-9805", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_out));
    }

    [Theory]
    [InlineData("", "is not a Finsam result")]
    [InlineData("{\"x\": [1, 2", "is not a Finsam result")]
    [InlineData("{\"scenario\": \"written by hand\"}", "is not a complete Finsam result: 'Run' is missing")]
    public void Report_on_a_broken_result_exits_with_2_and_writes_nothing(string json, string expected)
    {
        Write(Path.Combine("result", "result.json"), json);
        var html = Path.Combine(_dir, "report.html");
        var (exit, output) = CommandLine.Run("report", Path.Combine(_dir, "result"), "--out", html);
        Assert.Equal(2, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.False(File.Exists(html));
    }

    /// <summary>About 120 000 participants over 60 months: one run of 1 000 replicates is 7.2e9 participant-months, within the budget.</summary>
    private static string HeavyYaml => new TinyScenario
    {
        Horizon = "{ start: 2020-01, months: 60 }",
        Referrals = "[ { from: FK, target_group: g, to: a, rate: { uniform: [1900, 2100] } } ]",
    }.Yaml();

    private string Heavy() => Write("heavy.yaml", HeavyYaml);

    [Fact]
    public void Compare_counts_the_work_of_every_alternative_together()
    {
        var heavy = Heavy();
        var scenario = ScenarioLoader.Load(heavy);
        Assert.Null(WorkBudget.CheckRun(scenario, 2000));
        var (exit, output) = CommandLine.Run("compare", heavy, heavy, "--replicates", "2000", "--out", _out);
        Assert.Equal(2, exit);
        Assert.Contains("compare: 2 runs of 2000 replicates", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_out));
    }

    [Fact]
    public void Throughput_counts_the_runs_of_its_capacity_search()
    {
        var heavy = Heavy();
        Assert.Null(WorkBudget.CheckRun(ScenarioLoader.Load(heavy), 1000));
        var (exit, output) = CommandLine.Run("throughput", heavy, "--insats", "a", "--max-wait", "1", "--replicates", "1000");
        Assert.Equal(2, exit);
        Assert.Contains("throughput: ", output, StringComparison.Ordinal);
        Assert.Contains("over the limit", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Calibrate_counts_every_evaluation_it_may_make()
    {
        var output = Path.Combine(_dir, "fitted.yaml");
        var (exit, text) = CommandLine.Run("calibrate", Path.Combine(Repo.Scenarios, "rar-sormland-2007.yaml"), "--replicates", "100000", "--out", output);
        Assert.Equal(2, exit);
        Assert.Contains("calibrate: ", text, StringComparison.Ordinal);
        Assert.Contains("over the limit", text, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Several_runs_are_refused_together_though_each_fits()
    {
        var s = ScenarioLoader.Load(ScenarioSource.FromText("heavy.yaml", HeavyYaml));
        Assert.Null(WorkBudget.CheckRuns(s, 1000, 2, "backtest"));
        Assert.StartsWith("backtest: 3 runs of 1000 replicates", WorkBudget.CheckRuns(s, 1000, 3, "backtest"), StringComparison.Ordinal);
        Assert.Contains("replicates is over the limit", WorkBudget.CheckRuns(s, WorkBudget.MaxReplicates + 1, 1, "x"), StringComparison.Ordinal);
    }
}
