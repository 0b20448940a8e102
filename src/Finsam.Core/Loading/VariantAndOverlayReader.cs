using System.Globalization;
using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>Applies the chosen variant's and an overlay's <c>path: value</c> overrides to the tree before anything is read.</summary>
internal sealed class VariantAndOverlayReader(ReadingContext cx)
{
    /// <summary>Reads the variant list and applies the chosen one to the tree before anything else is read.</summary>
    public List<VariantInfo> ReadVariants(YamlMappingNode root, string? chosen)
    {
        var infos = new List<VariantInfo>();
        var top = new MapView(cx.R, root, "");
        var found = false;
        foreach (var v in top.List("variants", idKey: "name"))
        {
            var name = v.Str("name", required: true);
            var description = v.Str("description");
            var set = v.Get("set");
            v.Done();
            if (name is null) continue;
            if (infos.Any(i => i.Name == name)) cx.R.Error(v.Node, v.Path, $"duplicate variant name '{name}'");
            infos.Add(new VariantInfo(name, description));
            if (set is not YamlMappingNode setMap || setMap.Children.Count == 0)
            {
                cx.R.Error(set ?? v.Node, v.Sub("set"), "a variant needs 'set:' with at least one 'path: value' override");
                continue;
            }
            if (name != chosen) continue;
            found = true;
            foreach (var (pathNode, value) in setMap.Children)
                ApplyOverride(root, ((YamlScalarNode)pathNode).Value ?? "", pathNode, value, $"{v.Sub("set")}.{((YamlScalarNode)pathNode).Value}");
        }
        if (chosen is not null && !found && !infos.Any(i => i.Name == chosen))
            // Pointed at the variants section (where the name would go), or the file's start when it has none.
            cx.R.Bag.Add(root.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: "variants" }) is { } at ? cx.R.Pos(at) : new SourcePos(cx.R.File, 1, 1), "variants",
                infos.Count == 0 ? $"unknown variant '{chosen}': the scenario has no variants"
                    : $"unknown variant '{chosen}'{YamlReader.Suggest(chosen, infos.Select(i => i.Name))}; the scenario has: {string.Join(", ", infos.Select(i => i.Name))}");
        return infos;
    }

    /// <summary>
    /// Applies an overlay file's <c>set:</c> overrides to the tree, after the variant. Problems in the
    /// overlay — and in the values it sets, wherever the scenario reads them — name the overlay's file,
    /// line and column. Returns the overlay's file name.
    /// </summary>
    public string ApplyOverlay(YamlMappingNode root, OverlaySource overlay, string? variant)
    {
        var r = new YamlReader(overlay.FileName, cx.Bag);
        var tree = ScenarioYamlParser.Parse(r, overlay.Text);
        if (tree is null) return overlay.FileName;
        var top = new MapView(r, tree, "");
        var version = top.Int("finsam_overlay", required: true);
        if (version is not null and not 1)
            r.Error(top.Get("finsam_overlay")!, "finsam_overlay", $"unsupported overlay version {version}; this Finsam reads version 1");
        var baseFile = top.Str("base", required: true);
        if (baseFile is not null && !string.Equals(Path.GetFileName(baseFile), Path.GetFileName(cx.Source.FileName), StringComparison.Ordinal))
            r.Error(top.Get("base")!, "base", $"the overlay was made for '{baseFile}', not for '{Path.GetFileName(cx.Source.FileName)}'");
        top.Str("source", required: true);
        var fitted = top.Str("variant");
        if (fitted is not null && fitted != variant)
            r.Error(top.Get("variant")!, "variant", variant is null
                ? $"the overlay was fitted with variant '{fitted}': run it with --variant {fitted}"
                : $"the overlay was fitted with variant '{fitted}', not '{variant}'");
        top.Str("note");
        var set = top.Get("set");
        if (set is not YamlMappingNode setMap || setMap.Children.Count == 0)
        {
            if (top.Has("set") || set is not null) r.Error(set ?? tree, "set", "an overlay needs 'set:' with at least one 'path: value' override");
            else r.Error(tree, "set", "missing required field 'set'");
        }
        top.Done();
        if (set is not YamlMappingNode map) return overlay.FileName;
        cx.R.Adopt(map, overlay.FileName);
        foreach (var (pathNode, value) in map.Children)
        {
            var path = ((YamlScalarNode)pathNode).Value ?? "";
            ApplyOverride(root, path, pathNode, value, $"set.{path}", "the overlay");
        }
        return overlay.FileName;
    }

    /// <summary>
    /// Replaces the node at a path such as <c>insatser[spira].capacity.fte</c> or
    /// <c>budget.years[2017].shares</c>. List items are chosen by id, year or name, or by index.
    /// </summary>
    private void ApplyOverride(YamlMappingNode root, string path, YamlNode pathNode, YamlNode value, string fieldPath, string who = "the variant")
    {
        YamlNode current = root;
        var segments = path.Split('.');
        for (var s = 0; s < segments.Length; s++)
        {
            var seg = segments[s];
            string? selector = null;
            var bracket = seg.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                if (!seg.EndsWith(']'))
                {
                    cx.R.Error(pathNode, fieldPath, $"malformed path segment '{seg}': expected name[key]");
                    return;
                }
                selector = seg[(bracket + 1)..^1];
                seg = seg[..bracket];
            }
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(seg), out var child))
            {
                cx.R.Error(pathNode, fieldPath, $"{who} overrides '{path}', but the scenario has no field '{string.Join('.', segments[..(s + 1)])}'");
                return;
            }
            var last = s == segments.Length - 1;
            if (selector is null)
            {
                if (last) { map.Children[new YamlScalarNode(seg)] = value; return; }
                current = child;
                continue;
            }
            if (child is not YamlSequenceNode seq)
            {
                cx.R.Error(pathNode, fieldPath, $"'{seg}' is not a list, so '[{selector}]' cannot select from it");
                return;
            }
            var index = FindItem(seq, selector);
            if (index < 0)
            {
                cx.R.Error(pathNode, fieldPath, $"{who} overrides '{path}', but '{seg}' has no item '{selector}'");
                return;
            }
            if (last) { seq.Children[index] = value; return; }
            current = seq.Children[index];
        }
    }

    private static int FindItem(YamlSequenceNode seq, string selector)
    {
        for (var i = 0; i < seq.Children.Count; i++)
            if (seq.Children[i] is YamlMappingNode m)
                foreach (var key in new[] { "id", "year", "name" })
                    if (m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: var s } && s == selector)
                        return i;
        return int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) && idx < seq.Children.Count ? idx : -1;
    }
}
