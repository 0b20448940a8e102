using Finsam.Core.Analysis;

namespace Finsam.Client.Tests;

/// <summary>The new commands end to end, as a user types them.</summary>
public class CommandTests
{
    [Fact]
    public async Task Run_with_report_writes_report_html_next_to_result_json()
    {
        using var dir = new TempDir();
        var cli = new Cli();
        Assert.Equal(0, await cli.Run("run", Repo.Example, "--replicates", "6", "--out", dir.Path, "--report"));
        Assert.True(File.Exists(dir["result.json"]));
        Assert.True(File.Exists(dir["replicates_parties.csv"]));
        var html = await File.ReadAllTextAsync(dir["report.html"]);
        Assert.Contains("Personer som fått insats", html);

        // The report command reads the same folder; English on request, to another file.
        var en = new Cli();
        Assert.Equal(0, await en.Run("report", dir.Path, "--lang", "en", "--out", dir["report-en.html"]));
        Assert.Contains("People who received an insats", await File.ReadAllTextAsync(dir["report-en.html"]));
    }

    [Fact]
    public async Task Report_needs_out_and_a_known_language()
    {
        var cli = new Cli();
        Assert.NotEqual(0, await cli.Run("run", Repo.Example, "--report"));
        Assert.Contains("--out", cli.Output);
        using var dir = new TempDir();
        var missing = new Cli();
        Assert.Equal(2, await missing.Run("report", dir.Path)); // bad input: no result.json there
        Assert.Contains("result.json", missing.Output);
        Assert.NotEqual(0, await new Cli().Run("report", dir.Path, "--lang", "fi"));
    }

    [Fact]
    public async Task Report_errors_never_echo_an_identity_number_in_a_path()
    {
        using var dir = new TempDir();
        var person = Path.Combine(dir.Path, "19850709-9805");
        Directory.CreateDirectory(person);
        var missing = new Cli();
        Assert.Equal(2, await missing.Run("report", person));
        Assert.Contains("result.json", missing.Output);
        Assert.DoesNotContain("19850709-9805", missing.Output);

        await File.WriteAllTextAsync(Path.Combine(person, "result.json"), "{ not json");
        var broken = new Cli();
        Assert.Equal(2, await broken.Run("report", person));
        Assert.Contains("not a Finsam result", broken.Output);
        Assert.DoesNotContain("19850709-9805", broken.Output);
        Assert.False(File.Exists(Path.Combine(person, "report.html")));
    }

    [Fact]
    public async Task Compare_runs_variants_with_the_same_seed_and_writes_json_and_csv()
    {
        using var dir = new TempDir();
        var cli = new Cli();
        Assert.Equal(0, await cli.Run("compare", Repo.Example, "--variants", "coach-2fte,no-kur", "--replicates", "10", "--out", dir.Path));
        Assert.Contains("coach-2fte", cli.Output);
        Assert.Contains("Who pays and who gains", cli.Output);
        var result = ComparisonWriter.FromJson(await File.ReadAllTextAsync(dir["comparison.json"]));
        Assert.Equal(["base", "coach-2fte", "no-kur"], result.Alternatives.Select(a => a.Name));
        Assert.Equal(10, result.Replicates);
        // Two FTE instead of three take in fewer people, replicate by replicate.
        var served = result.Figures.Single(f => f.Key == "served").Values[1];
        Assert.True(served.Difference!.Mean < 0);
        Assert.True(served.ProbabilityBetter <= 0.2);
        // The referrals do not depend on the variant: paired differences are exactly zero.
        Assert.Equal(Core.Results.Stat.Zero, result.Figures.Single(f => f.Key == "referred").Values[2].Difference);
        var csv = await File.ReadAllLinesAsync(dir["comparison.csv"]);
        Assert.StartsWith("section,party,figure", csv[0].TrimStart('\uFEFF'));
        Assert.Contains(csv, l => l.StartsWith("party,FK,net,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compare_without_variants_compares_every_variant_with_the_base()
    {
        var cli = new Cli();
        Assert.Equal(0, await cli.Run("compare", Repo.Example, "--replicates", "4"));
        foreach (var v in new[] { "process-first", "coach-2fte", "no-kur" }) Assert.Contains(v, cli.Output);
        var bad = new Cli();
        Assert.Equal(2, await bad.Run("compare", Repo.Example, "--variants", "nope", "--replicates", "4"));
        Assert.Contains("unknown variant", bad.Output);
    }

    [Fact]
    public async Task Compare_works_on_the_varend_staircase_variants_out_of_the_box()
    {
        // The staircase (60/40 → 40/60 → 20/80) is Värend's base; every variant is compared with it.
        using var dir = new TempDir();
        var cli = new Cli();
        Assert.Equal(0, await cli.Run("compare", Path.Combine(Repo.Root, "scenarios", "varend-2016-2018.yaml"), "--replicates", "4", "--out", dir.Path));
        var result = ComparisonWriter.FromJson(await File.ReadAllTextAsync(dir["comparison.json"]));
        Assert.Equal("base", result.Reference);
        Assert.Contains(result.Alternatives, a => a.Name == "status-quo-60-40");
        Assert.True(result.Alternatives.Count >= 5);
        Assert.All(result.Parties, p => Assert.All(p.Measures.Single(m => m.Key == "net").Values.Skip(1), v => Assert.Equal(4, v.Pairs)));
    }

    [Fact]
    public async Task Throughput_answers_for_one_insats_and_finds_the_capacity_for_a_wait_limit()
    {
        using var dir = new TempDir();
        var cli = new Cli();
        Assert.Equal(0, await cli.Run("throughput", Repo.Example, "--insats", "coach", "--replicates", "8", "--max-wait", "1", "--out", dir.Path));
        Assert.Contains("Admissions", cli.Output);
        Assert.Contains("90th percentile", cli.Output);
        Assert.Contains("is the smallest capacity", cli.Output);
        Assert.True(File.Exists(dir["throughput.json"]));
        Assert.True(File.Exists(dir["capacity.json"]));

        var wide = new Cli();
        Assert.Equal(0, await wide.Run("throughput", Repo.Example, "--insats", "coach", "--replicates", "4", "--capacity", "80"));
        Assert.Contains("80 places", wide.Output);

        var unknown = new Cli();
        Assert.Equal(2, await unknown.Run("throughput", Repo.Example, "--insats", "kur", "--replicates", "4"));
        Assert.Contains("not an individual insats", unknown.Output);
    }

    [Fact]
    public async Task A_cancelled_comparison_writes_nothing()
    {
        using var dir = new TempDir();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(new StringWriter()), Interactive = Spectre.Console.InteractionSupport.No });
        var code = await Program.Build(console, () => new Running.InProcessBackend())
            .Parse(["compare", Repo.Example, "--variants", "coach-2fte", "--replicates", "4", "--out", dir.Path]).InvokeAsync(cancellationToken: cts.Token);
        Assert.Equal(130, code);
        Assert.False(File.Exists(dir["comparison.json"]));
    }
}
