using System.Globalization;
using Finsam.Core.Loading;
using Finsam.Core.Scenarios;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Analysis;

/// <summary>
/// Lever edits as YAML, written by YamlDotNet: the variant an analyst pastes under <c>variants:</c>, and the
/// same <c>set:</c> as an overlay, which is how a what-if runs against a file without editing it (the loader
/// applies an overlay's overrides with the same code as a variant's).
/// </summary>
public static class WhatIfYaml
{
    public const string OverlayFileName = "what-if.yaml";

    /// <summary>One item of <c>variants:</c>, indented to paste under it.</summary>
    public static string Variant(string name, string? description, IReadOnlyList<LeverEdit> edits)
    {
        var item = new YamlMappingNode { { "name", Text(name) } };
        if (description is not null) item.Add("description", Text(description));
        item.Add("set", Set(edits));
        var text = Save(new YamlSequenceNode(item));
        return string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => "  " + l + "\n"));
    }

    /// <summary>An overlay (docs/scenario-format.md §12) with the edits, for the scenario file <paramref name="baseFile"/>.</summary>
    public static OverlaySource Overlay(string baseFile, string source, IReadOnlyList<LeverEdit> edits) =>
        new(OverlayFileName, Save(new YamlMappingNode
        {
            { "finsam_overlay", "1" },
            { "base", Text(Path.GetFileName(baseFile)) },
            { "source", Text(source) },
            { "set", Set(edits) },
        }));

    /// <summary>An edit's value on one line, as it stands after <c>path:</c> in a <c>set:</c>.</summary>
    public static string Inline(LeverEdit edit)
    {
        var line = Save(Set([edit])).TrimEnd('\n');
        return line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..];
    }

    public static YamlMappingNode Set(IReadOnlyList<LeverEdit> edits)
    {
        var set = new YamlMappingNode();
        foreach (var e in edits) set.Add(e.Path, Node(e.Value));
        return set;
    }

    public static YamlNode Node(LeverValue value) => value switch
    {
        NumberValue n => Number(n.Value),
        SharesValue s => Flow(s.Shares.Select(x => (x.Line, (YamlNode)new YamlScalarNode(Num(x.Percent) + "%")))),
        DistributionValue { Dist: FixedValue f } => Number(f.Value),
        DistributionValue { Dist: TriangularValue t } => Flow([("triangular", List(t.Low, t.Mode, t.High))]),
        DistributionValue { Dist: UniformValue u } => Flow([("uniform", List(u.Low, u.High))]),
        DistributionValue { Dist: BetaValue b } => Flow([("beta", List(b.A, b.B))]),
        DistributionValue { Dist: TruncatedNormalValue n } => Flow([("normal", Flow(
            new[] { ("mean", n.Mu), ("sd", n.Sd), ("min", n.Low), ("max", n.High) }
                .Where(x => double.IsFinite(x.Item2)).Select(x => (x.Item1, (YamlNode)Number(x.Item2)))))]),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "unknown lever value"),
    };

    private static YamlMappingNode Flow(IEnumerable<(string Key, YamlNode Value)> items)
    {
        var map = new YamlMappingNode { Style = MappingStyle.Flow };
        foreach (var (k, v) in items) map.Add(k, v);
        return map;
    }

    private static YamlSequenceNode List(params double[] values) =>
        new(values.Select(v => (YamlNode)Number(v))) { Style = SequenceStyle.Flow };

    private static YamlScalarNode Number(double v) => new(Num(v));

    /// <summary>Shortest text that reads back as the same double.</summary>
    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A text scalar, double-quoted so no name or description is ever read as a number or a key.</summary>
    private static YamlScalarNode Text(string s) => new(s) { Style = ScalarStyle.DoubleQuoted };

    private static string Save(YamlNode root)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        // YamlStream ends every document with "..."; a pasted variant or an overlay file does not want it.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}
