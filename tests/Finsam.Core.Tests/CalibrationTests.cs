using System.Globalization;
using Finsam.Core.Calibration;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Xunit.Abstractions;

namespace Finsam.Core.Tests;

/// <summary>Calibration: the conjugate update, the exit-table fit, and recovering known parameters from simulated counts.</summary>
public sealed class CalibrationTests(ITestOutputHelper output)
{
    // ------------------------------------------------------------------ Dirichlet–multinomial

    [Fact]
    public void Dirichlet_update_adds_the_counts_to_the_weights()
    {
        // Dirichlet(2, 3, 5) and counts (4, 0, 6): posterior Dirichlet(6, 3, 11), mean (6, 3, 11) / 20.
        Assert.Equal([6.0, 3.0, 11.0], DirichletUpdate.Posterior([2.0, 3.0, 5.0], [4.0, 0.0, 6.0]));
        var mean = DirichletUpdate.PosteriorMean([2.0, 3.0, 5.0], [4.0, 0.0, 6.0]);
        Assert.Equal(0.30, mean[0], 12);
        Assert.Equal(0.15, mean[1], 12);
        Assert.Equal(0.55, mean[2], 12);
    }

    [Fact]
    public void Dirichlet_update_of_a_mix_keeps_its_key_and_adds_observed_categories_the_prior_left_out()
    {
        var prior = new Mix("insatser[a].exits", ["A", "B", "C"], [2, 3, 5], IsDirichlet: true);
        var post = DirichletUpdate.Posterior(prior, new Dictionary<string, double> { ["A"] = 4, ["C"] = 6, ["D"] = 2 }, out var added);

        Assert.Equal("insatser[a].exits", post.Key);
        Assert.True(post.IsDirichlet);
        Assert.Equal(["A", "B", "C", "D"], post.Categories);
        Assert.Equal([6.0, 3.0, 11.0, 2.0], post.Weights);
        Assert.Equal(["D"], added);
        Assert.Equal(6.0 / 22, post.ShareOf("A"), 12);
        Assert.Equal(2.0 / 22, post.ShareOf("D"), 12);
    }

    [Fact]
    public void A_fixed_mix_is_not_a_prior()
    {
        var fixedMix = new Mix("x", ["A"], [1], IsDirichlet: false);
        Assert.Throws<ArgumentException>(() => DirichletUpdate.Posterior(fixedMix, new Dictionary<string, double> { ["A"] = 1 }, out _));
    }

    // ------------------------------------------------------------------ exit table from marginals

    [Fact]
    public void Exit_table_fit_with_one_row_is_the_dirichlet_posterior_mean()
    {
        // One start row: the MAP with α as pseudo-counts is (n + α) / Σ(n + α) = (3 + 1, 1 + 1) / 6.
        var fit = ExitTableFitter.Fit([new MarginalData("k", [1], [3, 1])], [[1, 1]]);
        Assert.Equal(4.0 / 6, fit.Theta[0][0], 9);
        Assert.Equal(2.0 / 6, fit.Theta[0][1], 9);
        Assert.Equal([3.0, 1.0], fit.Expected[0].Select(x => Math.Round(x, 9)));
    }

    [Fact]
    public void Exit_table_fit_recovers_a_known_table_from_start_and_exit_marginals()
    {
        // θ[X] = (0.7, 0.2, 0.1), θ[Y] = (0.1, 0.3, 0.6). Three insatser with start mixes (1, 0), (0, 1)
        // and (0.5, 0.5) whose exits are exactly 1 000 × Σ s θ. A negligible prior.
        double[][] truth = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]];
        double[][] starts = [[1, 0], [0, 1], [0.5, 0.5]];
        var data = starts.Select((s, k) => new MarginalData($"k{k}", s, ExitTableFitter.Predict(truth, s).Select(q => 1000 * q).ToArray())).ToList();
        var fit = ExitTableFitter.Fit(data, [[1e-6, 1e-6, 1e-6], [1e-6, 1e-6, 1e-6]]);
        Assert.True(fit.Converged);
        for (var o = 0; o < 2; o++)
            for (var e = 0; e < 3; e++)
                Assert.True(Math.Abs(fit.Theta[o][e] - truth[o][e]) < 0.01, $"θ[{o}][{e}] = {fit.Theta[o][e]:0.0000}, truth {truth[o][e]}");
    }

    [Fact]
    public void Exit_table_fit_recovers_a_table_when_no_insats_has_a_single_start_occupation()
    {
        // Two exit categories: q_k(e1) = s_k a + (1 − s_k) b is linear in (a, b), so three mixed insatser pin it down.
        double[][] truth = [[0.8, 0.2], [0.3, 0.7]];
        double[][] starts = [[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]];
        var data = starts.Select((s, k) => new MarginalData($"k{k}", s, ExitTableFitter.Predict(truth, s).Select(q => 10_000 * q).ToArray())).ToList();
        var fit = ExitTableFitter.Fit(data, [[1e-6, 1e-6], [1e-6, 1e-6]], maxIterations: 100_000, tolerance: 1e-14);
        Assert.Equal(0.8, fit.Theta[0][0], 2);
        Assert.Equal(0.3, fit.Theta[1][0], 2);
    }

    [Fact]
    public void Exit_table_fit_without_data_for_a_row_returns_its_prior_mean()
    {
        var fit = ExitTableFitter.Fit([new MarginalData("k", [1, 0], [5, 5])], [[1, 1], [6, 2]]);
        Assert.Equal(0.75, fit.Theta[1][0], 9);
        Assert.Equal(0.25, fit.Theta[1][1], 9);
    }

    // ------------------------------------------------------------------ scaling and writing

    [Fact]
    public void Scaling_keeps_the_shape_and_stays_inside_the_field()
    {
        var t = (TriangularValue)ParamScaling.Scale(new TriangularValue(3, 5, 9), 0.8);
        Assert.Equal(2.4, t.Low, 12);
        Assert.Equal(4, t.Mode, 12);
        Assert.Equal(7.2, t.High, 12);
        var beta = (BetaValue)ParamScaling.Scale(new BetaValue(2, 98), 2);
        Assert.Equal(100, beta.A + beta.B, 9);
        Assert.Equal(0.04, beta.Mean, 9);
        // A probability triangular up to 0.06 may grow at most 1 / 0.06 times.
        Assert.Equal(1 / 0.06, ParamScaling.Bounds(new TriangularValue(0.01, 0.03, 0.06), 0, 1).Max, 9);
        // A geometric mean ≥ 1 starting at 2 may shrink at most by half.
        Assert.Equal(0.5, ParamScaling.Bounds(new UniformValue(2, 4), 1, double.PositiveInfinity).Min, 9);
    }

    [Fact]
    public void Overlay_values_are_written_so_the_loader_reads_them_back()
    {
        Assert.Equal("{triangular: [2.4, 4, 7.2]}", OverlayWriter.Yaml(new TriangularValue(2.4, 4, 7.2)));
        Assert.Equal("{beta: [2, 98]}", OverlayWriter.Yaml(new BetaValue(2, 98)));
        Assert.Equal("{normal: {mean: 3, sd: 0.5, min: 0}}", OverlayWriter.Yaml(new TruncatedNormalValue(3, 0.5, 0, double.PositiveInfinity)));
        // Names are quoted where YAML needs it, and kept as text where a reader could take them for a number or boolean.
        Assert.Equal("{dirichlet: {Arbetande: 6.5, 'a: b': 1, \"12\": 2, \"true\": 3}}",
            OverlayWriter.Yaml(new Mix("k", ["Arbetande", "a: b", "Sjuk", "12", "true"], [6.5, 1, 0, 2, 3], true)));
        Assert.Equal("0.1235", OverlayWriter.Num(0.123456));
        Assert.Equal("420000", OverlayWriter.Num(420_000.4));
    }

    // ------------------------------------------------------------------ recovering known parameters

    /// <summary>
    /// The truth: 40 referrals a month, geometric stays with mean 5 months, 30 % of exits to work.
    /// One replicate of it is "what was recorded". The scenario to calibrate starts from a wrong prior
    /// (stays 7–12 months, 80 % to work) and must find the truth again.
    /// </summary>
    [Fact]
    public async Task Calibration_recovers_the_duration_mean_and_exit_mix_that_generated_the_recorded_counts()
    {
        var truth = new TinyScenario
        {
            Horizon = "{ start: 2020-01, months: 36 }",
            Referrals = "[ { from: FK, target_group: g, to: a, rate: 40 } ]",
            Insatser = """
                  - id: a
                    kind: individual
                    budget_line: bas
                    capacity: { places: 1000 }
                    cost: { per_place_month: 1000 }
                    duration: { distribution: geometric, mean: 5 }
                    exits: { Arbetande: 0.3, Sjuk: 0.7 }
                """,
            Seed = 101,
        };
        var truthRun = truth.Run(replicates: 1);
        var r = truthRun.Replicates[0];
        var ix = truthRun.Index;
        int arbetande = ix.OccupationIndex("Arbetande"), sjuk = ix.OccupationIndex("Sjuk");
        var ended = Enumerable.Range(0, 36).Sum(m => r.PerInsats(r.Planned)[m, 0] + r.PerInsats(r.Dropouts)[m, 0]);
        var exitA = Enumerable.Range(0, 36).Sum(m => r.ExitsByOccupation[m, 0, arbetande]);
        var exitS = Enumerable.Range(0, 36).Sum(m => r.ExitsByOccupation[m, 0, sjuk]);
        var recorded = string.Create(CultureInfo.InvariantCulture, $$"""
            recorded:
              - { id: ended, quantity: ended, insats: a, value: {{ended}}, source: "simulated truth" }
              - { id: occ-12, quantity: occupancy, insats: a, from: 2020-12, to: 2020-12, value: {{r.Occupancy[11]}}, source: "simulated truth" }
              - { id: occ-30, quantity: occupancy, insats: a, from: 2022-06, to: 2022-06, value: {{r.Occupancy[29]}}, source: "simulated truth" }
              - { id: exits, quantity: exit_occupation, insats: a, counts: { Arbetande: {{exitA}}, Sjuk: {{exitS}} }, source: "simulated truth" }
            """);
        var wrong = new TinyScenario
        {
            Horizon = truth.Horizon,
            Referrals = truth.Referrals,
            Insatser = truth.Insatser
                .Replace("{ distribution: geometric, mean: 5 }", "{ distribution: geometric, mean: { triangular: [7, 9, 12] } }")
                .Replace("{ Arbetande: 0.3, Sjuk: 0.7 }", "{ dirichlet: { Arbetande: 8, Sjuk: 2 } }"),
            Extra = recorded,
            Seed = 7,
        };
        var source = ScenarioSource.FromText("tiny.yaml", wrong.Yaml());

        var result = await Calibrator.RunAsync(source, null, new CalibrationOptions { Replicates = 20, Seed = 7 });

        var fitted = ScenarioLoader.Load(source with { Overlay = new OverlaySource("fitted.yaml", result.OverlayText) });
        var a = fitted.Insatser.Single();
        output.WriteLine($"duration mean {a.Duration!.Mean!.Mean:0.###} (truth 5), share to work {a.Exits!.ShareOf("Arbetande"):0.###} (truth 0.3), deviance {result.LossBefore:0.#} → {result.LossAfter:0.#}, {result.Evaluations} runs");
        // Stated tolerance: the fitted mean stay within 15 % of the true 5 months (it starts at 9.3) …
        Assert.InRange(a.Duration!.Mean!.Mean, 4.25, 5.75);
        // … and the expected share to work within 0.04 of the true 0.3 (it starts at 0.8; ≈ 1 300 exits).
        Assert.InRange(a.Exits!.ShareOf("Arbetande"), 0.26, 0.34);
        Assert.True(a.Exits.IsDirichlet);
        Assert.Equal(10 + exitA + exitS, a.Exits.Weights.Sum(), 6);
        Assert.Contains(result.Fitted, f => f.Method.Contains("exact", StringComparison.Ordinal) && f.What == "exit mix");
        Assert.True(result.LossAfter < result.LossBefore, $"deviance {result.LossBefore} → {result.LossAfter}");
        Assert.True(result.After.Coverage >= result.Before.Coverage);
    }

    [Fact]
    public async Task Calibration_fits_an_exit_model_and_writes_an_overlay_that_loads()
    {
        var source = ScenarioSource.FromFile(Path.Combine(Repo.Scenarios, "example-forbund.yaml"));
        var result = await Calibrator.RunAsync(source, null, new CalibrationOptions { Replicates = 4, MaxIterationsPerBlock = 10, Sweeps = 1 });

        Assert.Contains("exit_models[coach-exits].rows:", result.OverlayText, StringComparison.Ordinal);
        Assert.Contains(result.Fitted, f => f.What == "exit model row" && f.Method.StartsWith("MAP–EM", StringComparison.Ordinal));
        var fitted = ScenarioLoader.Load(source with { Overlay = new OverlaySource("fitted.yaml", result.OverlayText) });
        var model = fitted.ExitModels.Single();
        Assert.Equal(["Sjuk utan daglig sysselsättning", "Sjuk men i rehabilitering"], model.Rows.Select(x => x.Start));
        Assert.NotNull(model.Default);
        // Rows only gain weight: prior + attributed exits.
        var prior = ScenarioLoader.Load(source).ExitModels.Single();
        Assert.True(model.For("Annat").Weights.Sum() >= prior.For("Annat").Weights.Sum() - 1e-6);
    }
}
