using System.Diagnostics;
using System.Globalization;
using Finsam.Core.Loading;
using Finsam.Core.Simulation;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Tests;

/// <summary>
/// A grammar-aware fuzzer over the scenario format: the shipped scenarios are mutated in their YAML tree
/// (keys deleted or duplicated, types swapped, huge or odd numbers, deep nesting, aliases, identity
/// numbers) and in their text (lines dropped, doubled, cut, tabs, bad bytes). Every mutant must give a
/// clear error — file:line:column, no identity number — or a valid scenario that runs (or stops when
/// cancelled) within seconds; never an exception or a hang.
/// Budget: FINSAM_FUZZ_SECONDS (default 20), seed FINSAM_FUZZ_SEED (default 20261202) so a failure reproduces.
/// </summary>
public sealed class ScenarioFuzzTests(ITestOutputHelper log)
{
    private static int Budget => int.TryParse(Environment.GetEnvironmentVariable("FINSAM_FUZZ_SECONDS"), out var s) ? s : 20;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("FINSAM_FUZZ_SEED"), out var s) ? s : 20261202;

    private const string Planted = "19850709-9805";

    private static readonly string[] OddScalars =
    [
        "1e12", "-1e12", "1e308", "-0", "0", "NaN", ".inf", "-.inf", "1_000_000_000_000", "99999999999999999999", "0.5%", "1e-320",
        "\"42\"", "!!str 42", "!!binary aGk=", "~", "null", "true", "2016-13", "0000-00", "''", "\"\"", "x" + new string('y', 3000),
        "é", "\"\\u0000\"", Planted, "850709-9805", "[]", "{}", "[1, 2]", "{beta: [0, 0]}", "{normal: {mean: 1e12, sd: 1e12}}",
        "{uniform: [1, 1e12]}", "{dirichlet: {}}", "*nowhere", "&a x", "|\n  text", ">-\n  text",
    ];

    public static IEnumerable<(string Name, ScenarioSource Source)> Seeds()
    {
        foreach (var f in Directory.GetFiles(Repo.Scenarios, "*.yaml").Order(StringComparer.Ordinal))
            yield return (Path.GetFileName(f), ScenarioSource.FromFile(f));
        yield return ("plan.yaml", ScenarioSource.FromText("plan.yaml", IdentityMaskingTests.Base));
    }

    [Fact]
    public async Task Mutated_scenarios_give_a_clear_error_or_a_valid_run()
    {
        var random = new Random(Seed);
        var seeds = Seeds().ToList();
        // Warm up (JIT, regexes) so the first mutant's time measures the loader, not start-up.
        foreach (var (_, source) in seeds) ScenarioLoader.Validate(source);
        var clock = Stopwatch.StartNew();
        int cases = 0, valid = 0, refused = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(Budget) || cases < 40)
        {
            var (name, seed) = seeds[random.Next(seeds.Count)];
            var (what, text) = Mutate(random, seed.Text);
            var source = seed with { Text = text };
            cases++;
            var context = $"case {cases} (seed {Seed}, {name}, {what})";
            var started = Stopwatch.StartNew();
            IReadOnlyList<Diagnostic> problems;
            try
            {
                problems = ScenarioLoader.Validate(source);
            }
            catch (Exception e)
            {
                Assert.Fail($"{context}: the loader threw {e.GetType().Name}: {e.Message}\n--- text ---\n{Cut(text)}");
                return;
            }
            // Generous for a loaded CI machine; what it catches took 39 s and more (alias bombs).
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"{context}: validation took {started.Elapsed.TotalSeconds:0.0} s");
            if (problems.Count > 0)
            {
                refused++;
                foreach (var d in problems)
                {
                    Assert.True(d.Where.Line > 0 && d.Where.Column > 0, $"{context}: no line and column in '{d}'");
                    Assert.DoesNotContain("0709-9805", d.ToString(), StringComparison.Ordinal);
                    Assert.DoesNotContain("709-9805", d.ToString(), StringComparison.Ordinal);
                }
                continue;
            }
            valid++;
            var scenario = ScenarioLoader.Load(source);
            if (WorkBudget.CheckRun(scenario, 2) is not null) continue;
            // A valid mutant runs two replicates, or stops within seconds of being cancelled.
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var run = Stopwatch.StartNew();
            try
            {
                var result = await Simulator.RunAsync(scenario, new RunOptions { Replicates = 2 }, ct: cancel.Token);
                Assert.Equal(2, result.Replicates.Count);
            }
            catch (OperationCanceledException)
            {
            }
            Assert.True(run.Elapsed < TimeSpan.FromSeconds(8), $"{context}: the run did not stop {run.Elapsed.TotalSeconds:0.0} s after a 3 s cancel");
        }
        log.WriteLine($"{cases} mutants in {clock.Elapsed.TotalSeconds:0.0} s: {refused} refused with positions, {valid} valid");
        Assert.True(refused > cases / 4, "the mutations hardly ever break a file: the fuzzer is not doing its job");
    }

    private static string Cut(string text) => text.Length <= 4000 ? text : text[..4000] + "…";

    /// <summary>One to three mutations, in the tree or in the text; returns what was done.</summary>
    internal static (string What, string Text) Mutate(Random random, string text)
    {
        var what = new List<string>();
        var count = 1 + random.Next(3);
        for (var k = 0; k < count; k++)
        {
            var (w, t) = random.Next(10) < 6 ? MutateTree(random, text) : MutateText(random, text);
            what.Add(w);
            text = t;
        }
        return (string.Join("; ", what), text);
    }

    private static (string, string) MutateText(Random random, string text)
    {
        var lines = text.Split('\n').ToList();
        var i = random.Next(lines.Count);
        switch (random.Next(8))
        {
            case 0: lines.RemoveAt(i); return ($"line {i + 1} deleted", string.Join('\n', lines));
            case 1: lines.Insert(i, lines[i]); return ($"line {i + 1} doubled", string.Join('\n', lines));
            case 2: return ($"cut at {i}", string.Join('\n', lines.Take(i + 1)) is var cut && cut.Length > 0 ? cut[..random.Next(cut.Length)] : "");
            case 3: lines[i] = "\t" + lines[i]; return ($"tab at line {i + 1}", string.Join('\n', lines));
            case 4: lines[i] += $"  # {Planted}"; return ($"identity number in a comment at line {i + 1}", string.Join('\n', lines));
            case 5: lines.Insert(i, HostileInputTests.AliasBomb(random.Next(4, 10)).TrimEnd()); return ($"alias bomb at line {i + 1}", string.Join('\n', lines));
            case 6: lines[i] = lines[i] + " " + new string('[', random.Next(1, 200)); return ($"open brackets at line {i + 1}", string.Join('\n', lines));
            default:
                var pos = random.Next(text.Length + 1);
                var junk = "{}[]:,&*!|>'\"%@`#-?".ToCharArray();
                return ($"'{junk[random.Next(junk.Length)]}' at {pos}", text.Insert(pos, junk[random.Next(junk.Length)].ToString()));
        }
    }

    private static (string, string) MutateTree(Random random, string text)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlDotNet.Core.YamlException) { return MutateText(random, text); }
        if (stream.Documents.Count == 0) return MutateText(random, text);
        var parents = stream.Documents[0].AllNodes.Where(n => n is YamlMappingNode { Children.Count: > 0 } or YamlSequenceNode { Children.Count: > 0 }).ToList();
        if (parents.Count == 0) return MutateText(random, text);
        var parent = parents[random.Next(parents.Count)];
        string what;
        switch (parent)
        {
            case YamlMappingNode map:
            {
                var key = map.Children.Keys.ElementAt(random.Next(map.Children.Count));
                var name = (key as YamlScalarNode)?.Value ?? "?";
                switch (random.Next(6))
                {
                    case 0: map.Children.Remove(key); what = $"key '{name}' deleted"; break;
                    case 1: map.Children[key] = Odd(random); what = $"'{name}' set to an odd value"; break;
                    case 2: map.Children[key] = Nest(random.Next(2, 80)); what = $"'{name}' nested deep"; break;
                    case 3: map.Children[new YamlScalarNode(name + "x")] = map.Children[key]; what = $"key '{name}x' added"; break;
                    case 4: map.Children[new YamlScalarNode(Planted)] = map.Children[key]; what = "identity number as a key"; break;
                    default: map.Children[key] = map.Children[key] is YamlScalarNode ? new YamlSequenceNode(map.Children[key]) : new YamlScalarNode("7"); what = $"'{name}' type swapped"; break;
                }
                break;
            }
            case YamlSequenceNode seq:
            {
                var i = random.Next(seq.Children.Count);
                switch (random.Next(4))
                {
                    case 0: seq.Children.RemoveAt(i); what = $"list item {i} deleted"; break;
                    case 1: seq.Children.Add(seq.Children[i]); what = $"list item {i} duplicated"; break;
                    case 2: seq.Children[i] = Odd(random); what = $"list item {i} set to an odd value"; break;
                    default: seq.Children[i] = new YamlScalarNode(Planted); what = "identity number as a list item"; break;
                }
                break;
            }
            default: return MutateText(random, text);
        }
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        try { stream.Save(writer, assignAnchors: false); }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException) { return MutateText(random, text); }
        return (what, writer.ToString());
    }

    private static YamlNode Odd(Random random)
    {
        var s = OddScalars[random.Next(OddScalars.Length)];
        // Parse the odd text so tags, flow collections and block scalars keep their YAML meaning.
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader("v: " + s));
            return ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("v")];
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return new YamlScalarNode(s);
        }
    }

    private static YamlNode Nest(int depth)
    {
        YamlNode node = new YamlScalarNode("1");
        for (var i = 0; i < depth; i++) node = new YamlSequenceNode(node);
        return node;
    }
}
