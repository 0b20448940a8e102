using Finsam.Core.Loading;

namespace Finsam.Core.Tests;

/// <summary>
/// Identity numbers planted in every place a string can be — ids, keys, names, comments, sources,
/// variants, overlays, catalogs, file names, options — are refused, and no output channel (diagnostics,
/// exception messages, CLI output, files written) ever shows one unmasked.
/// </summary>
public sealed class IdentityMaskingTests
{
    // Every planted number ends in these digits; masked forms keep only the first four characters.
    private const string Tail = "9805";

    private static readonly string[] Numbers = ["19850709-9805", "850709-9805", "198507099805", "8507099805", "850769-9805", "19850709+9805"];

    internal const string Base = """
        finsam: 1
        forbund: { name: Testförbund, source: Årsredovisning 2020 }
        horizon: { start: 2020-01, months: 24 }
        payers:
          - { id: FK, party: FK }
          - { id: kommun, party: kommun }
          - { id: ingen }
        income_states:
          - { id: Arbete, payer: ingen, monthly_cost: 0, self_sufficient: true, occupation: Arbetande }
          - { id: Sjukpenning, payer: FK, monthly_cost: 15000 }
          - { id: Ekonomiskt bistånd, payer: kommun, monthly_cost: 7500 }
        occupations:
          - { id: Arbetande, income: Arbete, outcome: work }
          - { id: Sjuk }
          - { id: Annat }
        parties:
          - { id: FK, kind: FK, share: 50% }
          - { id: region, kind: region, share: 25% }
          - { id: norrby, kind: kommun, share: 25% }
        budget:
          lines: [ { id: bas } ]
          years: [ { year: 2020, total: 2_000_000, shares: { bas: 100% } } ]
        target_groups:
          - { id: sjuka, income: { Sjukpenning: 1 }, occupation: { Sjuk: 1 } }
        referrals:
          - { from: FK, target_group: sjuka, to: coach, rate: 2 }
        insatser:
          - id: coach
            name: Coach
            kind: individual
            budget_line: bas
            capacity: { places: 10 }
            cost: { per_place_month: 9000 }
            duration: { distribution: geometric, mean: 6 }
            exits: { Arbetande: 0.4, Sjuk: 0.4, Annat: 0.2 }
        variants:
          - name: fler
            set:
              insatser[coach].capacity.places: 12
        """;

    /// <summary>Each way a number can be planted: a name and the edited scenario text.</summary>
    public static TheoryData<string, string> Plantings()
    {
        var data = new TheoryData<string, string>();
        foreach (var n in Numbers)
        {
            data.Add($"target-group id {n}", Base.Replace("id: sjuka", $"id: \"{n}\"", StringComparison.Ordinal).Replace("target_group: sjuka", $"target_group: sjuka2", StringComparison.Ordinal));
            data.Add($"reference {n}", Base.Replace("target_group: sjuka", $"target_group: \"{n}\"", StringComparison.Ordinal));
            data.Add($"key {n}", Base.Replace("forbund: { name: Testförbund,", $"forbund: {{ {n}: 1, name: Testförbund,", StringComparison.Ordinal));
            data.Add($"top-level key {n}", Base + $"\n{n}: x\n");
            data.Add($"insats name {n}", Base.Replace("name: Coach", $"name: Coach {n}", StringComparison.Ordinal));
            data.Add($"comment {n}", Base.Replace("horizon:", $"# ring {n}\nhorizon:", StringComparison.Ordinal));
            data.Add($"source {n}", Base.Replace("Årsredovisning 2020", $"Akt {n}", StringComparison.Ordinal));
            data.Add($"variant name {n}", Base.Replace("name: fler", $"name: \"{n}\"", StringComparison.Ordinal));
            data.Add($"variant path {n}", Base.Replace("insatser[coach].capacity", $"insatser[{n}].capacity", StringComparison.Ordinal));
            data.Add($"dotted {n}", Base.Replace("insatser[coach].capacity.places", $"insatser.{n}.places", StringComparison.Ordinal));
            data.Add($"number value {n}", Base.Replace("monthly_cost: 15000", $"monthly_cost: {n}", StringComparison.Ordinal));
            data.Add($"yaml error {n}", Base.Replace("capacity: { places: 10 }", $"capacity: {{ places: {n}", StringComparison.Ordinal));
            data.Add($"anchor {n}", Base.Replace("rate: 2", $"rate: *a{n}", StringComparison.Ordinal));
        }
        return data;
    }

    private static void AssertMasked(string where, string output)
    {
        Assert.False(output.Contains(Tail, StringComparison.Ordinal), $"{where} shows an identity number:\n{output}");
    }

    [Theory]
    [MemberData(nameof(Plantings))]
    public void A_planted_number_is_refused_and_no_diagnostic_shows_it(string planting, string text)
    {
        var problems = ScenarioLoader.Validate(ScenarioSource.FromText("plan.yaml", text));
        Assert.Contains(problems, d => d.Message.Contains("personal identity number", StringComparison.Ordinal));
        AssertMasked(planting, string.Join("\n", problems));
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(ScenarioSource.FromText("plan.yaml", text), "fler"));
        AssertMasked(planting + " (exception)", e.Message + string.Join("\n", e.Diagnostics));
    }

    [Fact]
    public void Numbers_in_an_overlay_a_catalog_a_file_name_and_a_variant_option_are_masked()
    {
        foreach (var n in Numbers)
        {
            var overlay = $"finsam_overlay: 1\nbase: plan.yaml\nsource: fitted {n}\nset:\n  insatser[{n}].capacity.places: 3\n";
            var withOverlay = ScenarioSource.FromText("plan.yaml", Base) with { Overlay = new OverlaySource($"fit-{n}.yaml", overlay) };
            AssertMasked("overlay", string.Join("\n", ScenarioLoader.Validate(withOverlay)));

            var catalog = $"finsam_catalog: 1\nname: {n}\npayers: [ {{ id: \"{n}\" }} ]\n";
            var withCatalog = ScenarioSource.FromText("plan.yaml", "catalog: c.yaml\n" + Base, new Dictionary<string, string> { ["c.yaml"] = catalog });
            var problems = ScenarioLoader.Validate(withCatalog);
            Assert.Contains(problems, d => d.Message.Contains("personal identity number", StringComparison.Ordinal));
            AssertMasked("catalog", string.Join("\n", problems));

            var named = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(ScenarioSource.FromText($"{n}.yaml", Base.Replace("rate: 2", "rate: x", StringComparison.Ordinal))));
            AssertMasked("file name", string.Join("\n", named.Diagnostics) + named.Message);

            var variant = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(ScenarioSource.FromText("plan.yaml", Base), n));
            AssertMasked("--variant", string.Join("\n", variant.Diagnostics));
        }
    }

    [Fact]
    public void The_command_line_never_prints_a_planted_number_and_writes_nothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "finsam-mask-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var i = 0;
            foreach (var (planting, text) in Plantings().Select(r => ((string)r[0], (string)r[1])).Where((_, k) => k % 3 == 0))
            {
                var file = Path.Combine(dir, $"s{i++}.yaml");
                File.WriteAllText(file, text);
                var outDir = Path.Combine(dir, "out" + i);
                foreach (var args in new[] { new[] { "validate", file }, ["run", file, "--out", outDir, "--replicates", "2"], ["run", file, "--variant", "850709-9805"] })
                {
                    var (exit, output) = CommandLine.Run(args);
                    Assert.Equal(2, exit);
                    AssertMasked($"{planting}: finsam {string.Join(' ', args)}", output);
                }
                Assert.False(Directory.Exists(outDir), "a result folder was written for a refused scenario");
            }
            var named = Path.Combine(dir, "19850709-9805.yaml");
            File.WriteAllText(named, Base.Replace("rate: 2", "rate: x", StringComparison.Ordinal));
            var (code, shown) = CommandLine.Run("validate", named);
            Assert.Equal(2, code);
            AssertMasked("a file named with a number", shown);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void The_mask_covers_forms_the_old_scan_missed_and_leaves_decimals_alone()
    {
        Assert.Equal("a.1985****-****", PersonnummerGuard.MaskAll("a.19850709-9805"));
        Assert.Equal("x,8507**-****.", PersonnummerGuard.MaskAll("x,850709-9805."));
        Assert.Equal("0.8507099805", PersonnummerGuard.MaskAll("0.8507099805"));
        Assert.Equal("insatser.8507******.places", PersonnummerGuard.MaskAll("insatser.8507099805.places"));
        Assert.Single(PersonnummerGuard.Scan("path: a.19850709-9805"));
    }
}
