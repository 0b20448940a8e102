using System.Text.Json;
using System.Text.RegularExpressions;
using Finsam.Core.Loading;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Tests;

/// <summary>
/// The JSON Schemas for editors must describe the keys the loader really accepts. The loader's keys
/// are read from the loader itself: a key it does not know is reported with the list of keys it
/// expected there, so each test adds an unknown key to one mapping of the example and reads that list.
/// </summary>
public sealed partial class SchemaTests
{
    private static readonly string ScenarioSchemaPath = Path.Combine(Repo.Scenarios, "scenario.schema.json");
    private static readonly string CatalogSchemaPath = Path.Combine(Repo.Scenarios, "catalog.schema.json");
    private static readonly string ExamplePath = Path.Combine(Repo.Scenarios, "example-forbund.yaml");
    private const string CatalogInclude = "catalog/sweden-2016.yaml";
    private const string Unknown = "zz_not_a_key";

    private static JsonElement Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    private static SortedSet<string> Properties(JsonElement schemaObject) =>
        new(schemaObject.GetProperty("properties").EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);

    private static JsonElement Def(JsonElement schema, string name) => schema.GetProperty("$defs").GetProperty(name);

    [Fact]
    public void Both_schemas_are_json_for_draft_2020_12()
    {
        foreach (var path in new[] { ScenarioSchemaPath, CatalogSchemaPath })
        {
            var schema = Load(path);
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
            Assert.Equal("object", schema.GetProperty("type").GetString());
            Assert.NotEmpty(Properties(schema));
        }
    }

    [Fact]
    public void The_example_points_editors_at_the_schema()
    {
        var first = File.ReadLines(ExamplePath).First();
        Assert.Equal("# yaml-language-server: $schema=scenario.schema.json", first);
    }

    [Fact]
    public void Top_level_keys_of_the_example_and_the_documented_optional_ones_are_the_schema_properties()
    {
        var example = new YamlStream();
        example.Load(new StringReader(File.ReadAllText(ExamplePath)));
        var keys = ((YamlMappingNode)example.Documents[0].RootNode).Children.Keys
            .Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal);
        // Optional sections the example leaves to its catalog (docs/scenario-format.md §3).
        keys.UnionWith(["payers", "income_states", "occupations", "priors", "groups"]);

        Assert.Equal(new SortedSet<string>(keys, StringComparer.Ordinal), Properties(Load(ScenarioSchemaPath)));
    }

    public static TheoryData<string, string> ScenarioMappings() => new()
    {
        { "", "" },
        { "forbund", "forbund" },
        { "horizon", "horizon" },
        { "parties[1]", "party" },
        { "parties[1].staff[0]", "staffLoan" },
        { "budget", "budget" },
        { "budget.lines[0]", "budgetLine" },
        { "budget.years[0]", "budgetYear" },
        { "target_groups[0]", "targetGroup" },
        { "exit_models[0]", "exitModel" },
        { "referrals[0]", "referral" },
        { "insatser[0]", "insats" },
        { "insatser[3]", "insats" },
        { "insatser[0].capacity", "capacity" },
        { "insatser[0].eligibility", "eligibility" },
        { "insatser[0].chains[0]", "chain" },
        { "insatser[0].goal", "exitGoal" },
        { "insatser[0].goal.exits[0]", "goalPart" },
        { "insatser[3].effects[0]", "effect" },
        { "insatser[3].effects[1].transition", "transition" },
        { "baseline", "baseline" },
        { "baseline.transitions[0]", "baselineTransition" },
        { "variants[0]", "variant" },
    };

    [Theory]
    [MemberData(nameof(ScenarioMappings))]
    public void Schema_properties_are_the_keys_the_loader_reads(string yamlPath, string def)
    {
        var schema = Load(ScenarioSchemaPath);
        var expected = def.Length == 0 ? Properties(schema) : Properties(Def(schema, def));
        Assert.Equal(expected, LoaderKeys(yamlPath, inCatalog: false));
    }

    [Fact]
    public void Duration_properties_are_the_keys_of_all_its_distributions()
    {
        var loader = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var duration in new[]
        {
            "{ distribution: geometric, mean: 6 }", "{ distribution: fixed, months: 2 }", "{ distribution: uniform, min: 2, max: 4 }",
            "{ distribution: gamma, mean: 6, sd: 3 }", "{ distribution: lognormal, mean: 6, sd: 3 }", "{ realised_mean: 12 }",
        })
            loader.UnionWith(LoaderKeys("insatser[0].duration", false, replaceWith: duration));
        Assert.Equal(Properties(Def(Load(ScenarioSchemaPath), "duration")), loader);
    }

    [Fact]
    public void Recorded_properties_are_the_keys_of_values_and_distributions()
    {
        // recorded[0] is a distribution (counts), recorded[1] a single value.
        var loader = new SortedSet<string>(LoaderKeys("recorded[0]", false), StringComparer.Ordinal);
        loader.UnionWith(LoaderKeys("recorded[1]", false));
        Assert.Equal(Properties(Def(Load(ScenarioSchemaPath), "recorded")), loader);
    }

    [Fact]
    public void Cost_properties_are_the_keys_of_both_insats_kinds()
    {
        var loader = new SortedSet<string>(LoaderKeys("insatser[0].cost", false), StringComparer.Ordinal);
        loader.UnionWith(LoaderKeys("insatser[3].cost", false));
        Assert.Equal(Properties(Def(Load(ScenarioSchemaPath), "cost")), loader);
    }

    [Fact]
    public void Dropout_and_normal_forms_have_the_loaders_keys()
    {
        var schema = Load(ScenarioSchemaPath);
        var dropoutMap = Def(schema, "dropout").GetProperty("anyOf").EnumerateArray().Single(e => e.TryGetProperty("properties", out _));
        Assert.Equal(Properties(dropoutMap), LoaderKeys("insatser[0].dropout", false));

        var normal = Def(schema, "uncertain").GetProperty("anyOf").EnumerateArray()
            .Single(e => e.TryGetProperty("properties", out var p) && p.TryGetProperty("normal", out _))
            .GetProperty("properties").GetProperty("normal");
        Assert.Equal(Properties(normal), LoaderKeys("insatser[0].give_up", false, replaceWith: "{ normal: { mean: 0.02, sd: 0.01 } }", inside: "normal"));
    }

    public static TheoryData<string, string> CatalogMappings() => new()
    {
        { "", "" },
        { "payers[0]", "payer" },
        { "income_states[0]", "incomeState" },
        { "occupations[0]", "occupation" },
    };

    [Theory]
    [MemberData(nameof(CatalogMappings))]
    public void Catalog_schema_properties_are_the_keys_the_loader_reads(string yamlPath, string def)
    {
        var catalog = Load(CatalogSchemaPath);
        var loader = LoaderKeys(yamlPath, inCatalog: true);
        Assert.Equal(def.Length == 0 ? Properties(catalog) : Properties(Def(catalog, def)), loader);
        // Scenarios may list the same entries themselves, so the scenario schema describes them the same way.
        if (def.Length > 0) Assert.Equal(Properties(Def(Load(ScenarioSchemaPath), def)), loader);
    }

    // ------------------------------------------------------------------ reading the loader's keys

    [GeneratedRegex(@"expected one of: (?<keys>.*)$")]
    private static partial Regex ExpectedKeys();

    [GeneratedRegex(@"^(?<key>[^\[\]]+)(\[(?<index>\d+)\])?$")]
    private static partial Regex Segment();

    /// <summary>
    /// Adds an unknown key to the mapping at <paramref name="yamlPath"/> (keys and [index]) of the example
    /// scenario or its catalog, validates, and returns the keys the loader said it expected there.
    /// With <paramref name="replaceWith"/>, that node is first replaced by the given YAML and the key
    /// goes into it, or into its child <paramref name="inside"/>.
    /// </summary>
    private static SortedSet<string> LoaderKeys(string yamlPath, bool inCatalog, string? replaceWith = null, string? inside = null)
    {
        var scenarioText = File.ReadAllText(ExamplePath);
        var catalogText = File.ReadAllText(Path.Combine(Repo.Scenarios, CatalogInclude));
        var stream = new YamlStream();
        stream.Load(new StringReader(inCatalog ? catalogText : scenarioText));
        YamlNode node = stream.Documents[0].RootNode;
        YamlNode? parent = null;
        YamlNode? parentKey = null;
        foreach (var seg in yamlPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var m = Segment().Match(seg);
            Assert.True(m.Success, seg);
            parent = node;
            parentKey = new YamlScalarNode(m.Groups["key"].Value);
            node = ((YamlMappingNode)node).Children[parentKey];
            if (m.Groups["index"].Success)
            {
                parent = null;
                node = ((YamlSequenceNode)node).Children[int.Parse(m.Groups["index"].Value)];
            }
        }
        if (replaceWith is not null)
        {
            var replacement = new YamlStream();
            replacement.Load(new StringReader(replaceWith));
            node = replacement.Documents[0].RootNode;
            ((YamlMappingNode)parent!).Children[parentKey!] = node;
            if (inside is not null) node = ((YamlMappingNode)node).Children[new YamlScalarNode(inside)];
        }
        ((YamlMappingNode)node).Children.Add(new YamlScalarNode(Unknown), new YamlScalarNode("1"));

        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var edited = writer.ToString();
        var source = inCatalog
            ? ScenarioSource.FromText("example-forbund.yaml", scenarioText, new Dictionary<string, string> { [CatalogInclude] = edited })
            : ScenarioSource.FromText("example-forbund.yaml", edited, new Dictionary<string, string> { [CatalogInclude] = catalogText });

        var problems = ScenarioLoader.Validate(source);
        var unknown = problems.Where(d => d.Message.Contains($"unknown key '{Unknown}'", StringComparison.Ordinal)).ToList();
        Assert.True(unknown.Count == 1, $"{yamlPath}: expected one unknown-key report, got:\n{string.Join("\n", problems)}");
        var keys = ExpectedKeys().Match(unknown[0].Message).Groups["keys"].Value;
        return new SortedSet<string>(keys.Split(", ", StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
    }
}
