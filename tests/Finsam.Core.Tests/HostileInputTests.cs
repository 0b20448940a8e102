using System.Diagnostics;
using System.Text;
using Finsam.Core.Loading;
using Finsam.Core.Results;

namespace Finsam.Core.Tests;

/// <summary>
/// Input built to run away or crash — alias bombs, deep nesting, huge values and files, bytes that are
/// not UTF-8, bad options — is refused quickly with a position and exit code 2, and nothing is written.
/// </summary>
public sealed class HostileInputTests
{
    private static string Base => IdentityMaskingTests.Base;

    /// <summary>A 9-level alias bomb under an unknown key: 9^9 nodes if expanded.</summary>
    internal static string AliasBomb(int levels = 9)
    {
        var sb = new StringBuilder("lol:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= levels; i++)
            sb.Append($"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        return sb.ToString();
    }

    private static (IReadOnlyList<Diagnostic> Problems, TimeSpan Took) Validate(string text)
    {
        var clock = Stopwatch.StartNew();
        var problems = ScenarioLoader.Validate(ScenarioSource.FromText("h.yaml", text));
        return (problems, clock.Elapsed);
    }

    private static void AssertRefusedQuickly(string text, int line, int column, string message)
    {
        var (problems, took) = Validate(text);
        Assert.True(took < TimeSpan.FromSeconds(2), $"took {took.TotalSeconds:0.0} s");
        Assert.Contains(problems, d => d.Where.Line == line && d.Where.Column == column && d.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void An_alias_bomb_is_stopped_while_reading()
    {
        // Before the budget: 39 s (loaded machine: 100 s) in validate; now the count stops at the limit.
        var text = Base + "\n" + AliasBomb();
        var line = Base.Split('\n').Length + 7; // the alias that crosses 100 000 nodes: level 6
        AssertRefusedQuickly(text, line, 12, "through its aliases ('*name'); at most 100,000 are allowed");
    }

    [Fact]
    public void An_alias_that_nests_too_deep_is_stopped()
    {
        var deep = "deep: &d " + new string('[', 40) + new string(']', 40) + "\nagain: [" + string.Join(", ", Enumerable.Repeat("[*d]", 1)) + "]\n";
        var (problems, _) = Validate(Base + "\nx:\n  " + deep.Replace("\n", "\n  ", StringComparison.Ordinal));
        Assert.Contains(problems, d => d.Message.Contains("nest", StringComparison.Ordinal) || d.Message.Contains("unknown key 'x'", StringComparison.Ordinal));
    }

    [Fact]
    public void Five_thousand_nested_brackets_are_an_error_not_a_crash()
    {
        var text = Base + "\nnote: " + new string('[', 5000) + new string(']', 5000) + "\n";
        AssertRefusedQuickly(text, Base.Split('\n').Length + 1, 70, "nested more than 64 levels deep; at most 64 are allowed");
    }

    [Fact]
    public void A_huge_name_and_a_huge_file_are_refused()
    {
        var name = Base.Replace("name: Coach", "name: " + new string('x', 900_000), StringComparison.Ordinal);
        AssertRefusedQuickly(name, 29, 11, "a value of 900,000 characters; at most 2,000 are allowed");
        var big = Base + "\n" + string.Concat(Enumerable.Repeat("# padding padding padding padding padding padding padding\n", 20_000));
        AssertRefusedQuickly(big, 1, 1, "larger than 1024 KiB");
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_refused_at_its_first_bad_byte()
    {
        var path = Path.Combine(Path.GetTempPath(), $"finsam-latin1-{Guid.NewGuid():N}.yaml");
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(Base)); // 'ö' in "Testförbund" is one byte, 0xF6
        try
        {
            var e = Assert.Throws<ScenarioException>(() => ScenarioSource.FromFile(path));
            var d = Assert.Single(e.Diagnostics);
            Assert.Equal((2, 23), (d.Where.Line, d.Where.Column));
            Assert.Contains("not UTF-8 text (byte 0xF6 here)", d.Message, StringComparison.Ordinal);
            var (exit, output) = CommandLine.Run("validate", path);
            Assert.Equal(2, exit);
            Assert.Contains(":2:23: the file is not UTF-8 text", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_larger_than_the_budget_is_refused_before_it_is_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"finsam-big-{Guid.NewGuid():N}.yaml");
        using (var f = File.Create(path)) f.SetLength(WorkBudget.MaxFileBytes + 1);
        try
        {
            var (exit, output) = CommandLine.Run("run", path, "--replicates", "2");
            Assert.Equal(2, exit);
            Assert.Contains(":1:1: the file is larger than 1024 KiB", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--replicates", "abc", "--replicates must be a whole number from 1 to 100000, not 'abc'")]
    [InlineData("--replicates", "1000000000", "--replicates must be a whole number from 1 to 100000, not '1000000000'")]
    [InlineData("--replicates", "0", "--replicates must be a whole number from 1 to 100000, not '0'")]
    [InlineData("--seed", "-5", "Cannot parse argument '-5' for option '--seed' as a whole number ≥ 0")]
    [InlineData("--nonsense", "1", "Unrecognized command or argument '--nonsense'")]
    public void A_bad_option_is_one_line_and_exit_code_2(string option, string value, string message)
    {
        var (exit, output) = CommandLine.Run("run", Path.Combine(Repo.Scenarios, "example-forbund.yaml"), option, value);
        Assert.Equal(2, exit);
        Assert.Contains("error: " + message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_a_connection_or_with_an_unreachable_one_is_one_line()
    {
        var example = Path.Combine(Repo.Scenarios, "example-forbund.yaml");
        var output = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(output), Ansi = Spectre.Console.AnsiSupport.No, ColorSystem = Spectre.Console.ColorSystemSupport.NoColors, Interactive = Spectre.Console.InteractionSupport.No });
        var exit = await Finsam.Client.Program.InvokeAsync(console, new Finsam.Client.Running.BackendOptions(), ["run", example, "--cluster", "postgres"], output);
        Assert.Equal(2, exit);
        Assert.Contains("error: ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("connection", output.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", output.ToString(), StringComparison.Ordinal);

        output.GetStringBuilder().Clear();
        var clock = Stopwatch.StartNew();
        exit = await Finsam.Client.Program.InvokeAsync(console, new Finsam.Client.Running.BackendOptions(),
            ["run", example, "--cluster", "postgres", "--connection", "Host=127.0.0.1;Port=1;Database=x;Username=u;Password=p"], output);
        Assert.Equal(1, exit);
        Assert.Contains("error: cannot reach the database 127.0.0.1:1/x", output.ToString(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void Out_pointing_at_a_file_or_under_one_is_refused_before_the_run()
    {
        var file = Path.GetTempFileName();
        try
        {
            var clock = Stopwatch.StartNew();
            var (exit, output) = CommandLine.Run("run", Path.Combine(Repo.Scenarios, "example-forbund.yaml"), "--out", file);
            Assert.Equal(2, exit);
            Assert.Contains($"error: --out '{file}' is a file; give a folder to write into", output, StringComparison.Ordinal);
            Assert.DoesNotContain("replicates in", output, StringComparison.Ordinal); // refused before, not after, the simulation
            (exit, output) = CommandLine.Run("run", Path.Combine(Repo.Scenarios, "example-forbund.yaml"), "--out", Path.Combine(file, "sub"));
            Assert.Equal(2, exit);
            Assert.Contains("is a file, so no folder can be made under it", output, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_run_over_the_work_budget_is_refused_before_it_starts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"finsam-work-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Base.Replace("rate: 2", "rate: 3000", StringComparison.Ordinal).Replace("months: 24", "months: 600", StringComparison.Ordinal));
        try
        {
            var (exit, output) = CommandLine.Run("run", path, "--replicates", "100000");
            Assert.Equal(2, exit);
            Assert.Contains("participant-months, over the limit of 2e10: use fewer replicates", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("-1E-05", "-1E-05")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("Coach", "Coach")]
    public void Csv_cells_that_excel_would_run_are_neutralised(string cell, string written)
    {
        Assert.Equal(written, CsvWriter.Field(cell));
    }
}
