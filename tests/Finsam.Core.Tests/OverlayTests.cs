using Finsam.Core.Loading;

namespace Finsam.Core.Tests;

/// <summary>Scenario overlays: applied after the variant, and every problem in them reported at their own position.</summary>
public sealed class OverlayTests
{
    private static ScenarioSource Source(string overlay, TinyScenario? t = null) =>
        ScenarioSource.FromText("tiny.yaml", (t ?? new TinyScenario()).Yaml()) with { Overlay = new OverlaySource("fit.yaml", overlay) };

    [Fact]
    public void An_overlay_replaces_the_values_it_sets_and_is_named_in_the_scenario()
    {
        var s = ScenarioLoader.Load(Source("""
            finsam_overlay: 1
            base: tiny.yaml
            source: "test"
            set:
              insatser[a].duration.mean: { triangular: [2, 4, 6] }
              insatser[a].capacity.places: 12
            """));
        Assert.Equal(4, s.Insatser[0].Duration!.Mean!.Mean, 9);
        Assert.Equal("insatser[a].duration.mean", s.Insatser[0].Duration!.Mean!.Key);
        Assert.Equal(12, s.Insatser[0].Places!.Mean);
        Assert.Equal("fit.yaml", s.Overlay);
    }

    [Fact]
    public void The_overlay_is_applied_after_the_variant_and_wins_where_both_set_a_path()
    {
        var t = new TinyScenario
        {
            Extra = """
                variants:
                  - name: big
                    set:
                      insatser[a].capacity.places: 50
                      insatser[a].duration.mean: 8
                """,
        };
        var s = ScenarioLoader.Load(Source("""
            finsam_overlay: 1
            base: tiny.yaml
            source: "test"
            variant: big
            set:
              insatser[a].capacity.places: 30
            """, t), "big");
        Assert.Equal(30, s.Insatser[0].Places!.Mean);
        Assert.Equal(8, s.Insatser[0].Duration!.Mean!.Mean);
    }

    [Fact]
    public void Every_problem_in_an_overlay_is_reported_at_the_overlays_file_line_and_column()
    {
        var problems = ScenarioLoader.Validate(Source("""
            finsam_overlay: 2
            base: other.yaml
            source: "test"
            colour: blue
            set:
              insatser[b].duration.mean: 3
              insatser[a].duration.mean: { triangular: [6, 4, 8] }
              insatser[a].capacity.places: 0
            """));
        void Has(int line, int column, string text) =>
            Assert.True(problems.Any(d => d.Where.File == "fit.yaml" && d.Where.Line == line && d.Where.Column == column && d.ToString().Contains(text, StringComparison.Ordinal)),
                $"expected fit.yaml:{line}:{column} {text}; got:\n{string.Join("\n", problems)}");
        Has(1, 17, "unsupported overlay version 2");
        Has(2, 7, "the overlay was made for 'other.yaml', not for 'tiny.yaml'");
        Has(4, 1, "unknown key 'colour'");
        Has(6, 3, "the overlay overrides 'insatser[b].duration.mean', but 'insatser' has no item 'b'");
        Has(7, 44, "triangular needs low ≤ mode ≤ high");
        Has(8, 32, "insatser[a].capacity.places: capacity must be greater than 0");
        Assert.All(problems, d => Assert.Equal("fit.yaml", d.Where.File));
    }

    [Fact]
    public void An_overlay_without_set_or_source_is_refused()
    {
        var problems = ScenarioLoader.Validate(Source("""
            finsam_overlay: 1
            base: tiny.yaml
            """));
        Assert.Contains(problems, d => d.Where.File == "fit.yaml" && d.Path == "source" && d.Message.Contains("missing required field", StringComparison.Ordinal));
        Assert.Contains(problems, d => d.Where.File == "fit.yaml" && d.Path == "set");
    }

    [Fact]
    public void An_overlay_fitted_with_a_variant_is_refused_without_it()
    {
        var t = new TinyScenario
        {
            Extra = """
                variants:
                  - name: big
                    set:
                      insatser[a].capacity.places: 50
                """,
        };
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Source("""
            finsam_overlay: 1
            base: tiny.yaml
            source: "test"
            variant: big
            set:
              insatser[a].capacity.places: 30
            """, t)));
        Assert.Contains(ex.Diagnostics, d => d.Where.File == "fit.yaml" && d.Where.Line == 4 && d.Message.Contains("--variant big", StringComparison.Ordinal));
    }

    [Fact]
    public void Identity_numbers_are_refused_in_an_overlay_too()
    {
        var problems = ScenarioLoader.Validate(Source("""
            finsam_overlay: 1
            base: tiny.yaml
            source: "fitted for 19811218-9876"
            set:
              insatser[a].capacity.places: 30
            """));
        var d = Assert.Single(problems);
        Assert.Equal("fit.yaml", d.Where.File);
        Assert.DoesNotContain("9876", d.ToString(), StringComparison.Ordinal);
    }
}
