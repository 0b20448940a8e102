using System.Text.RegularExpressions;
using Finsam.Client.Running;
using Finsam.Core.Loading;
using Spectre.Console;

namespace Finsam.Core.Tests;

/// <summary>
/// The bad-scenario corpus: every file under BadScenarios/ must be refused, and each of its
/// <c># expect: LINE:COLUMN text</c> lines must match a diagnostic at exactly that position whose
/// "Path: Message" contains the text. All expected problems of a file must be reported at once.
/// </summary>
public sealed partial class ValidationCorpusTests
{
    private static string CorpusDir => Path.Combine(AppContext.BaseDirectory, "BadScenarios");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(CorpusDir, "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [GeneratedRegex(@"^#\s*expect:\s*(?<line>\d+):(?<col>\d+)\s+(?<text>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Expect();

    // Anything shaped like a personnummer or samordningsnummer: 6 or 8 digits, optional '-' or '+', 4 digits.
    [GeneratedRegex(@"(?<!\d)(\d{6}|\d{8})[-+]?\d{4}(?!\d)")]
    private static partial Regex IdentityShaped();

    private static string Text(string name) => File.ReadAllText(Path.Combine(CorpusDir, name));

    /// <summary>What the loader reports for a corpus file, read as the CLI reads it: bytes that are not UTF-8 are a problem too.</summary>
    private static IReadOnlyList<Diagnostic> Check(string name)
    {
        try
        {
            return ScenarioLoader.Validate(ScenarioSource.FromText(name, ScenarioSource.DecodeUtf8(File.ReadAllBytes(Path.Combine(CorpusDir, name)), name)));
        }
        catch (ScenarioException e)
        {
            return e.Diagnostics;
        }
    }

    private static string Show(IEnumerable<Diagnostic> ds) => string.Join("\n", ds.Select(d => "  " + d));

    [Fact]
    public void The_corpus_has_at_least_150_files()
    {
        Assert.True(Files().Count >= 150, $"only {Files().Count} files in {CorpusDir}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Bad_scenario_is_refused_with_the_expected_diagnostics(string name)
    {
        var text = Text(name);
        var expects = Expect().Matches(text);
        Assert.True(expects.Count > 0, $"{name} has no '# expect:' line");

        var diagnostics = Check(name);

        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Equal(name, d.Where.File));
        foreach (Match e in expects)
        {
            int line = int.Parse(e.Groups["line"].Value), col = int.Parse(e.Groups["col"].Value);
            var want = e.Groups["text"].Value;
            var hit = diagnostics.Any(d => d.Where.Line == line && d.Where.Column == col
                && (string.IsNullOrEmpty(d.Path) ? d.Message : $"{d.Path}: {d.Message}").Contains(want, StringComparison.Ordinal));
            Assert.True(hit, $"{name}: expected at {line}:{col} \"{want}\"; got:\n{Show(diagnostics)}");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void No_diagnostic_echoes_an_identity_number(string name)
    {
        var text = Text(name);
        var numbers = IdentityShaped().Matches(text).Select(m => m.Value).ToList();
        if (numbers.Count == 0) return;
        var diagnostics = Check(name);
        foreach (var n in numbers)
        {
            var digits = n.Replace("-", "", StringComparison.Ordinal).Replace("+", "", StringComparison.Ordinal);
            foreach (var d in diagnostics)
            {
                var shown = d.ToString();
                Assert.DoesNotContain(n, shown, StringComparison.Ordinal);
                Assert.DoesNotContain(digits, shown, StringComparison.Ordinal);
                Assert.DoesNotContain(digits[^10..], shown, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void The_identity_number_files_are_refused_for_the_number()
    {
        // Guards against a corpus file passing only because of some other problem in it.
        foreach (var name in new[] { "personnummer-in-comment", "samordningsnummer", "personnummer-12-digits" })
        {
            var file = Directory.GetFiles(CorpusDir, $"*-{name}.yaml").Single();
            var diagnostics = ScenarioLoader.Validate(ScenarioSource.FromText(name, File.ReadAllText(file)));
            var d = Assert.Single(diagnostics);
            Assert.Contains("personal identity number", d.Message, StringComparison.Ordinal);
        }
    }

    // ------------------------------------------------------------------ the command line

    private static (int Exit, string Output) Cli(params string[] args) => CommandLine.Run(args);

    [Fact]
    public void Run_on_a_bad_file_exits_with_2_and_writes_nothing()
    {
        var file = Directory.GetFiles(CorpusDir, "*-several-problems.yaml").Single();
        var outDir = Path.Combine(Path.GetTempPath(), "finsam-corpus-" + Guid.NewGuid().ToString("N"));

        var (exit, output) = Cli("run", file, "--out", outDir);

        Assert.Equal(ValidateCommandExit, exit);
        Assert.False(Directory.Exists(outDir), "the output folder was created for an invalid scenario");
        Assert.Contains("horizon.months", output, StringComparison.Ordinal);
        Assert.Contains("nothing was run or written", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Run_refuses_every_corpus_file_quickly_with_a_position_and_writes_nothing(string name)
    {
        var outDir = Path.Combine(Path.GetTempPath(), "finsam-corpus-" + Guid.NewGuid().ToString("N"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output) = Cli("run", Path.Combine(CorpusDir, name), "--out", outDir, "--replicates", "2");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{name}: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(ValidateCommandExit, exit);
        Assert.False(Directory.Exists(outDir), $"{name}: the output folder was created");
        Assert.Matches(@$"{Regex.Escape(name)}:\d+:\d+: ", output);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_on_an_identity_number_never_prints_it()
    {
        var file = Directory.GetFiles(CorpusDir, "*-personnummer-in-comment.yaml").Single();

        var (exit, output) = Cli("validate", file);

        Assert.Equal(ValidateCommandExit, exit);
        Assert.Contains("1985****-****", output, StringComparison.Ordinal);
        Assert.DoesNotContain("19850312-1234", output, StringComparison.Ordinal);
        Assert.DoesNotContain("0312-1234", output, StringComparison.Ordinal);
    }

    private const int ValidateCommandExit = Finsam.Client.Commands.ValidateCommand.InvalidScenario;

    // ------------------------------------------------------------------ the good example

    private static string ExamplePath => Path.Combine(Repo.Scenarios, "example-forbund.yaml");

    [Fact]
    public void The_example_scenario_validates_without_diagnostics()
    {
        var problems = ScenarioLoader.Validate(ScenarioSource.FromFile(ExamplePath));
        Assert.True(problems.Count == 0, Show(problems));
    }

    [Fact]
    public void Every_variant_of_the_example_loads()
    {
        var scenario = ScenarioLoader.Load(ExamplePath);
        Assert.NotEmpty(scenario.Variants);
        foreach (var v in scenario.Variants)
        {
            var loaded = ScenarioLoader.Load(ExamplePath, v.Name);
            Assert.Equal(v.Name, loaded.Variant);
        }
    }

    [Fact]
    public void A_variant_override_changes_the_loaded_value()
    {
        var baseline = ScenarioLoader.Load(ExamplePath);
        var variant = ScenarioLoader.Load(ExamplePath, "coach-2fte");

        Assert.Equal(3, baseline.Insatser.Single(i => i.Id == "coach").Fte!.Mean);
        Assert.Equal(2, variant.Insatser.Single(i => i.Id == "coach").Fte!.Mean);

        var split = ScenarioLoader.Load(ExamplePath, "process-first");
        Assert.Equal(0.4, split.Budget.Years.Single(y => y.Year == 2016).Shares["bas"], 9);
        Assert.Equal(0.6, baseline.Budget.Years.Single(y => y.Year == 2016).Shares["bas"], 9);
    }

    [Fact]
    public void An_unknown_variant_is_refused()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(ExamplePath, "coach-3fte"));
        Assert.Contains(e.Diagnostics, d => d.Message.Contains("unknown variant 'coach-3fte' (did you mean 'coach-2fte'?)", StringComparison.Ordinal));
    }

    [Fact]
    public void Dropout_can_be_a_distribution_without_the_monthly_form()
    {
        var tiny = new TinyScenario();
        tiny.Insatser += "\n    dropout: { beta: [2, 98] }";
        var insats = tiny.Load().Insatser.Single();
        Assert.Equal(0.02, insats.Dropout!.Mean, 9);
        Assert.Null(insats.DropoutTo);
    }
}
