using System.Text.Json;
using Finsam.Core.Analysis;

namespace Finsam.Client.Tests;

/// <summary>finsam optimise on the Värend staircase, as a user runs it, with few replicates.</summary>
public class OptimiseCommandTests
{
    private static string Varend => Path.Combine(Repo.Root, "scenarios", "varend-2016-2018.yaml");

    [Fact]
    public async Task Optimise_on_Varend_beats_or_ties_every_hand_written_variant_within_the_budget()
    {
        using var dir = new TempDir();
        var cli = new Cli();
        var exit = await cli.Run("optimise", Varend, "--objective", "work_or_studies", "--search-replicates", "16", "--replicates", "30",
            "--max-candidates", "80", "--out", dir.Path);
        Assert.True(exit == 0, cli.Output);

        var result = OptimiseWriter.FromJson(await File.ReadAllTextAsync(dir["optimise.json"]));
        Assert.Equal(24_800_000, result.Budget);
        Assert.Equal(3, result.Dimensions.Count);   // each year's split, out of the box
        var best = result.Confirmed.Single(c => c.Name == result.Best);
        Assert.Equal(Optimiser.OptimisedKind, best.Kind);
        var variants = result.Confirmed.Where(c => c.Kind == Optimiser.VariantKind).ToList();
        Assert.Equal(9, variants.Count);
        // Only the 12 Mkr variant has more money than the plan; it is shown and not counted.
        Assert.Equal(["budget-12mkr"], variants.Where(v => !v.WithinBudget).Select(v => v.Name));
        foreach (var v in variants.Where(v => v.WithinBudget))
            Assert.True(best.Objective!.Mean >= v.Objective!.Mean, $"{result.Best} ({best.Objective.Mean}) against {v.Name} ({v.Objective.Mean})\n{cli.Output}");
        Assert.All(result.Verdicts, v => Assert.NotEqual("loses", v.Outcome));
        Assert.Equal(8, result.Verdicts.Count);
        // The hand-written splits are read off the variants: 60/40 kept is 40 % process every year.
        Assert.Equal([40.0, 40, 40], variants.Single(v => v.Name == "status-quo-60-40").Settings!);

        Assert.Contains("beats", cli.Output, StringComparison.Ordinal);
        Assert.Contains("P(better than plan)", cli.Output, StringComparison.Ordinal);
        Assert.Contains("name: \"optimised\"", cli.Output, StringComparison.Ordinal);
        foreach (var f in new[] { "optimise_candidates.csv", "optimise_final.csv", "comparison.json", "comparison.csv", "optimise.html" })
            Assert.True(File.Exists(dir[f]), f);
        var html = await File.ReadAllTextAsync(dir["optimise.html"]);
        Assert.Contains("lang=\"sv\"", html, StringComparison.Ordinal);
        Assert.Contains("Samhällsekonomisk kalkyl sida vid sida", html, StringComparison.Ordinal);
        Assert.Contains("status-quo-60-40", html, StringComparison.Ordinal);
        Assert.Contains("Återbetalningstid", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        // The final run is an ordinary comparison with the scenario's seed: the plan's figures are those of finsam compare.
        using var comparison = JsonDocument.Parse(await File.ReadAllTextAsync(dir["comparison.json"]));
        Assert.Equal(20151113UL, comparison.RootElement.GetProperty("seed").GetUInt64());
        Assert.Equal("plan", comparison.RootElement.GetProperty("reference").GetString());
    }

    [Theory]
    [InlineData("--over", "budget.years[2017].shares.bas=0..100", "no budget line 'bas'")]
    [InlineData("--over", "budget.years[2017].shares.processverksamhet=0..100:0", "the step must be above 0")]
    [InlineData("--max-candidates", "5000", "over the limit of 100,000")]
    [InlineData("--budget", "lots", "--budget must be an amount of kronor")]
    [InlineData("--variants", "no-such", "no variant 'no-such'")]
    public async Task Bad_input_is_one_line_exit_2_and_nothing_written(string option, string value, string expected)
    {
        using var dir = new TempDir();
        var cli = new Cli();
        var exit = await cli.Run("optimise", Varend, "--objective", "work_or_studies", option, value, "--search-replicates", "40", "--out", dir.Path);
        Assert.Equal(2, exit);
        Assert.Contains(expected, cli.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Path) && Directory.EnumerateFileSystemEntries(dir.Path).Any());
    }

    [Fact]
    public async Task Help_explains_the_objective_the_budget_and_over()
    {
        var cli = new Cli();
        Assert.Equal(0, await cli.Run("optimise", "--help"));
        foreach (var s in new[] { "--objective", "--budget", "--over", "--search-replicates", "--max-candidates", "common random numbers", "LOW..HIGH:STEP" })
            Assert.Contains(s, cli.Output, StringComparison.Ordinal);
    }
}
