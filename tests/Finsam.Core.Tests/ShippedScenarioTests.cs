using Finsam.Core.Loading;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>
/// Every scenario shipped in scenarios/*.yaml validates without a single diagnostic (base and every
/// variant) and runs: a few replicates of the base and of each variant, with people admitted somewhere.
/// </summary>
public class ShippedScenarioTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Repo.Scenarios, "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void The_documented_scenarios_are_shipped()
    {
        var names = Directory.GetFiles(Repo.Scenarios, "*.yaml").Select(Path.GetFileName).ToHashSet();
        foreach (var expected in new[]
                 {
                     "rar-sormland-2007.yaml", "varend-2016-2018.yaml",
                     "uppsala-langsiktig-samverkan-2015-2017.yaml", "kur-1-2.yaml",
                 })
            Assert.Contains(expected, names);
        Assert.True(File.Exists(Path.Combine(Repo.Scenarios, "catalog", "sweden-2007.yaml")));
        Assert.True(File.Exists(Path.Combine(Repo.Scenarios, "catalog", "sweden-2016.yaml")));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Validates_with_no_diagnostics_in_base_and_every_variant(string file)
    {
        var problems = ScenarioLoader.Validate(Source(file));
        Assert.True(problems.Count == 0, $"{file}:\n{string.Join("\n", problems)}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Runs_a_few_replicates_and_admits_people(string file)
    {
        var source = Source(file);
        var base_ = ScenarioLoader.Load(source);
        foreach (var variant in new string?[] { null }.Concat(base_.Variants.Select(v => v.Name)))
        {
            var scenario = ScenarioLoader.Load(source, variant);
            var run = await Simulator.RunAsync(scenario, new RunOptions { Replicates = 5, MaxParallelism = 2 });
            Assert.Equal(5, run.Replicates.Count);
            if (scenario.Insatser.Any(i => i.Kind == InsatsKind.Individual))
                Assert.True(run.Replicates.Sum(r => r.Admitted.Sum()) > 0,
                    $"{file} [{variant ?? "base"}]: nobody was admitted to any insats in 5 replicates");
            foreach (var r in run.Replicates)
                Assert.True(r.Referrals >= r.Served, $"{file} [{variant ?? "base"}]: more people served than referred");
        }
    }

    public static TheoryData<string> Overlays()
    {
        var data = new TheoryData<string>();
        var dir = Path.Combine(Repo.Scenarios, "overlays");
        if (Directory.Exists(dir))
            foreach (var path in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }

    /// <summary>A shipped overlay (fitted values) still fits the scenario it names: every path and value loads.</summary>
    [Theory]
    [MemberData(nameof(Overlays))]
    public void Shipped_overlays_validate_against_their_base(string file)
    {
        var overlay = Path.Combine(Repo.Scenarios, "overlays", file);
        var base_ = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(overlay), @"(?m)^base:\s*""?(?<p>[^""\r\n]+)""?").Groups["p"].Value;
        var scenario = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(overlay)!, base_));
        var problems = ScenarioLoader.Validate(ScenarioSource.FromFile(scenario).WithOverlay(overlay));
        Assert.True(problems.Count == 0, $"{file}:\n{string.Join("\n", problems)}");
    }

    private static ScenarioSource Source(string file) => ScenarioSource.FromFile(Path.Combine(Repo.Scenarios, file));
}
