using System.Text.Json;
using Finsam.Core.Analysis;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>A board's levers: read from a scenario, turned into variant edits, run with the plan's random numbers.</summary>
public class LeversTests
{
    private static ScenarioSource Varend() => ScenarioSource.FromFile(Path.Combine(Repo.Scenarios, "varend-2016-2018.yaml"));

    private static readonly Dictionary<string, double> Split6040 = new() { ["basverksamhet"] = 60, ["processverksamhet"] = 40 };

    [Fact]
    public void Varend_levers_are_the_staircase_the_budget_and_each_insats_capacity()
    {
        var levers = Levers.Read(ScenarioLoader.Load(Varend()));
        Assert.Equal(["basverksamhet", "processverksamhet"], levers.Lines.Select(l => l.Id));
        Assert.Equal([2016, 2017, 2018], levers.Years.Select(y => y.Year));
        var y2017 = levers.Years.Single(y => y.Year == 2017);
        Assert.Equal(40, y2017.Shares["basverksamhet"]);
        Assert.Equal(60, y2017.Shares["processverksamhet"]);
        Assert.Equal(8_000_000, y2017.Total);
        Assert.Null(y2017.TotalUncertainty);

        var samordnare = levers.Insatser.Single(i => i.Insats == "samordnare");
        Assert.Equal(("fte", 4.0, (string?)null), (samordnare.Unit, samordnare.Value, samordnare.Uncertainty));
        var grupper = levers.Insatser.Single(i => i.Insats == "finsamgrupper");
        Assert.Equal(("places", 24.0), (grupper.Unit, grupper.Value));
        Assert.NotNull(grupper.Uncertainty);
        // The parties' own NPF assessment queue has places too, and no budget line.
        Assert.Null(levers.Insatser.Single(i => i.Insats == "npf-utredning").BudgetLine);
        Assert.DoesNotContain(levers.Insatser, i => i.Insats == "remissrutiner");   // structural: no capacity
    }

    [Fact]
    public void The_plan_posted_back_unchanged_gives_no_edit()
    {
        var scenario = ScenarioLoader.Load(Varend());
        var levers = Levers.Read(scenario);
        var edits = Levers.Edits(scenario, new LeverChanges(
            levers.Years.Select(y => new YearChange(y.Year, y.Total, y.Shares)).ToList(),
            levers.Insatser.Select(i => new CapacityChange(i.Insats, i.Value)).ToList()));
        Assert.Empty(edits);
    }

    [Fact]
    public async Task Keeping_60_40_by_levers_runs_exactly_as_the_hand_written_variant()
    {
        var source = Varend();
        var scenario = ScenarioLoader.Load(source);
        var edits = Levers.Edits(scenario, new LeverChanges([new YearChange(2017, Shares: Split6040), new YearChange(2018, Shares: Split6040)]));
        Assert.Equal(["budget.years[2017].shares", "budget.years[2018].shares"], edits.Select(e => e.Path));

        var byLevers = ScenarioLoader.Load(source with { Overlay = WhatIfYaml.Overlay(source.FileName, "test", edits) });
        var byHand = ScenarioLoader.Load(source, "status-quo-60-40");
        Assert.Equal(Budget(byHand), Budget(byLevers));

        var options = new RunOptions { Replicates = 4, Seed = 7 };
        var a = Summariser.Summarise(await Simulator.RunAsync(Simulator.Apply(byHand, options), options));
        var b = Summariser.Summarise(await Simulator.RunAsync(Simulator.Apply(byLevers, options), options));
        Assert.Equal(JsonSerializer.Serialize(a.Replicates), JsonSerializer.Serialize(b.Replicates));
        Assert.Equal(JsonSerializer.Serialize(a.Headline), JsonSerializer.Serialize(b.Headline));
        Assert.Equal(JsonSerializer.Serialize(a.Parties), JsonSerializer.Serialize(b.Parties));
    }

    [Fact]
    public void The_saved_variant_is_yaml_that_loads_to_the_same_scenario_as_the_run()
    {
        var source = Varend();
        var scenario = ScenarioLoader.Load(source);
        var edits = Levers.Edits(scenario, new LeverChanges([new YearChange(2017, Shares: Split6040)], [new CapacityChange("samordnare", 5)]));
        var yaml = WhatIfYaml.Variant("styrelsen-2017", "60/40 i 2017", edits);
        Assert.Equal(
            "  - name: \"styrelsen-2017\"\n" +
            "    description: \"60/40 i 2017\"\n" +
            "    set:\n" +
            "      budget.years[2017].shares: {basverksamhet: 60%, processverksamhet: 40%}\n" +
            "      insatser[samordnare].capacity.fte: 5\n", yaml);

        // Pasted under the file's variants: it loads, and it is the scenario the what-if ran.
        var pasted = source with { Text = source.Text.Replace("variants:\n", "variants:\n" + yaml, StringComparison.Ordinal) };
        var asVariant = ScenarioLoader.Load(pasted, "styrelsen-2017");
        var asOverlay = ScenarioLoader.Load(source with { Overlay = WhatIfYaml.Overlay(source.FileName, "test", edits) });
        Assert.Equal(Budget(asVariant), Budget(asOverlay));
        Assert.Equal(0.6, asVariant.Budget.Years.Single(y => y.Year == 2017).Shares["basverksamhet"]);
        Assert.Equal(5, asVariant.Insatser.Single(i => i.Id == "samordnare").Fte!.Mean);
        Assert.Equal(5, asOverlay.Insatser.Single(i => i.Id == "samordnare").Fte!.Mean);
    }

    [Fact]
    public void An_uncertain_capacity_keeps_its_shape_at_the_new_mean()
    {
        var scenario = ScenarioLoader.Load(Varend());
        var edit = Assert.Single(Levers.Edits(scenario, new LeverChanges(Insatser: [new CapacityChange("finsamgrupper", 30)])));
        Assert.Equal("insatser[finsamgrupper].capacity.places", edit.Path);
        // triangular [18, 24, 30] × 30/24.
        Assert.Equal(new TriangularValue(22.5, 30, 37.5), Assert.IsType<DistributionValue>(edit.Value).Dist);
        Assert.Equal("{triangular: [22.5, 30, 37.5]}", ToYaml(edit.Value));
    }

    [Fact]
    public void Levers_that_cannot_be_set_are_all_named()
    {
        var scenario = ScenarioLoader.Load(Varend());
        var e = Assert.Throws<LeverException>(() => Levers.Edits(scenario, new LeverChanges(
            [
                new YearChange(2017, Shares: new Dictionary<string, double> { ["basverksamhet"] = 50, ["processverksamhet"] = 40 }),
                new YearChange(2030, Total: 1),
                new YearChange(2016, Total: -5),
            ],
            [new CapacityChange("samordnare", 0), new CapacityChange("remissrutiner", 2)])));
        Assert.Equal(["insatser[remissrutiner]", "insatser[samordnare].fte", "years[2016].total", "years[2017].shares", "years[2030]"], e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("sum to 90 %", e.Errors["years[2017].shares"][0], StringComparison.Ordinal);
        Assert.Contains("2016, 2017, 2018", e.Errors["years[2030]"][0], StringComparison.Ordinal);
    }

    private static string ToYaml(LeverValue v)
    {
        var w = new StringWriter { NewLine = "\n" };
        new YamlDotNet.RepresentationModel.YamlStream(new YamlDotNet.RepresentationModel.YamlDocument(WhatIfYaml.Node(v))).Save(w, false);
        return w.ToString().Split('\n')[0];
    }

    private static string Budget(Scenario s) => JsonSerializer.Serialize(s.Budget.Years.Select(y => new { y.Year, Total = y.Total?.Mean, y.Shares }))
        + JsonSerializer.Serialize(s.Insatser.Select(i => new { i.Id, Places = i.Places?.ToString(), Fte = i.Fte?.ToString() }));
}
