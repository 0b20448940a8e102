using Finsam.Core.Loading;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>The worked example in docs/scenario-format.md §15 is valid and does what the text says.</summary>
public sealed class FormatDocTests
{
    private static string WorkedExample()
    {
        var doc = File.ReadAllText(Repo.Path_("docs", "scenario-format.md"));
        var section = doc[doc.IndexOf("## 15. Worked example", StringComparison.Ordinal)..];
        var start = section.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        return section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void The_worked_example_validates()
    {
        var problems = ScenarioLoader.Validate(ScenarioSource.FromText("worked-example.yaml", WorkedExample()));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData(null, 7, 10)]
    [InlineData("bas-first", 10, 10)]
    public void The_worked_example_buys_the_places_the_text_says(string? variant, int places2020, int places2021)
    {
        var scenario = ScenarioLoader.Load(ScenarioSource.FromText("worked-example.yaml", WorkedExample()), variant);
        var model = new ReplicateModel(new ScenarioIndex(scenario), 0);

        Assert.Equal(places2020, model.Capacity[0, 0]);
        Assert.Equal(places2021, model.Capacity[12, 0]);
        if (variant is null)
        {
            var years = model.Budget.Years;
            Assert.Equal(800_000, years[0].LineMoney[0], 3);
            Assert.Equal(1_200_000, years[1].CarriedIn, 3);
            Assert.Equal(1_920_000, years[1].LineMoney[0], 3);
        }
    }
}
