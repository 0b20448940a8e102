using System.Globalization;
using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>Reads YAML nodes of one file into typed values, reporting every problem with its position and field path.</summary>
internal sealed class YamlReader(string file, DiagnosticBag bag)
{
    public string File { get; } = file;
    public DiagnosticBag Bag { get; } = bag;

    // Nodes grafted in from another file (an overlay's values): reported at their own file's position.
    private Dictionary<YamlNode, string>? _origin;

    public SourcePos Pos(YamlNode node) =>
        new(_origin is not null && _origin.TryGetValue(node, out var file) ? file : File, (int)node.Start.Line, (int)node.Start.Column);

    /// <summary>Marks a node and everything under it as read from <paramref name="file"/>.</summary>
    public void Adopt(YamlNode node, string file)
    {
        _origin ??= new Dictionary<YamlNode, string>(ReferenceEqualityComparer.Instance);
        foreach (var n in node.AllNodes) _origin[n] = file;
    }

    public void Error(YamlNode node, string path, string message) => Bag.Add(Pos(node), path, message);

    public MapView? Map(YamlNode? node, string path)
    {
        if (node is null) return null;
        if (node is YamlMappingNode m) return new MapView(this, m, path);
        Error(node, path, $"expected a mapping (key: value lines), found {Describe(node)}");
        return null;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s when string.IsNullOrEmpty(s.Value) => "an empty value",
        YamlScalarNode s => $"'{Truncate(s.Value!)}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "something else",
    };

    private static string Truncate(string s) => PersonnummerGuard.MaskAll(s.Length > 40 ? s[..40] + "…" : s);

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null" } s && s.Style == YamlDotNet.Core.ScalarStyle.Plain;

    /// <summary>Parses a YAML number: plain, with '_' digit groups, or a percentage ("60%").</summary>
    public static bool TryNumber(YamlNode node, out double value)
    {
        value = 0;
        // Quoted or tagged text ("42", !!str 42) is text, not a number.
        return node is YamlScalarNode { Value: { } text, Style: YamlDotNet.Core.ScalarStyle.Plain } s && (s.Tag.IsEmpty || IsNumberTag(s.Tag.Value))
            && TryNumber(text, out value);
    }

    private static bool IsNumberTag(string tag) => tag is "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float";

    private static bool TryNumber(string text, out double value)
    {
        text = text.Replace("_", "", StringComparison.Ordinal).Trim();
        var percent = text.EndsWith('%');
        if (percent) text = text[..^1].TrimEnd();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
            return false;
        if (percent) value /= 100;
        return true;
    }

    public double? Number(YamlNode node, string path, double min = double.NegativeInfinity, double max = double.PositiveInfinity, string? what = null)
    {
        if (!TryNumber(node, out var v))
        {
            var quoted = node is YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.Plain, Value: { } text } && TryNumber(text, out _);
            var tagged = node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Tag.IsEmpty: false, Value: { } t } && TryNumber(t, out _);
            Error(node, path, $"expected {what ?? "a number"}, found {Describe(node)}{(quoted ? " (in quotes, so it is text: remove the quotes)" : tagged ? " (tagged as text with '!!', so it is not a number: remove the tag)" : SwedishNumberHint(node))}");
            return null;
        }
        if (v < min || v > max)
        {
            Error(node, path, $"{Fmt(v)} is out of range: expected {RangeText(min, max)}");
            return null;
        }
        return v;
    }

    /// <summary>Numbers written as Swedish text writes them — "2 000 000", "0,03" — with how to write them here.</summary>
    private static string SwedishNumberHint(YamlNode node)
    {
        if (node is not YamlScalarNode { Value: { } text }) return "";
        var t = text.Trim().TrimEnd('%').TrimEnd();
        if (System.Text.RegularExpressions.Regex.IsMatch(t, @"^-?\d{1,3}([ \u00A0\u202F]\d{3})+([.,]\d+)?$"))
            return $" (no spaces inside a number: write {t.Replace(" ", "_", StringComparison.Ordinal).Replace('\u00A0', '_').Replace('\u202F', '_').Replace(',', '.')})";
        if (System.Text.RegularExpressions.Regex.IsMatch(t, @"^-?\d+,\d+$"))
            return $" (use a decimal point: {t.Replace(',', '.')})";
        return "";
    }

    public static string RangeText(double min, double max) =>
        (min, max) switch
        {
            (0, 1) => "a probability between 0 and 1",
            (_, double.PositiveInfinity) when min == 0 => "a number ≥ 0",
            (_, double.PositiveInfinity) => $"a number ≥ {Fmt(min)}",
            (double.NegativeInfinity, _) => $"a number ≤ {Fmt(max)}",
            _ => $"a number between {Fmt(min)} and {Fmt(max)}",
        };

    public static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static readonly string[] DistributionNames = ["beta", "uniform", "triangular", "normal"];

    /// <summary>True for a mapping written as a distribution: a single key such as <c>{beta: [2, 98]}</c>.</summary>
    public static bool IsDistribution(YamlMappingNode map) =>
        map.Children.Count == 1 && map.Children.First().Key is YamlScalarNode { Value: { } key } && DistributionNames.Contains(key);

    /// <summary>
    /// An uncertain number: a plain number, or one of
    /// <c>{beta: [a, b]}</c>, <c>{uniform: [low, high]}</c>, <c>{triangular: [low, mode, high]}</c>,
    /// <c>{normal: {mean, sd, min, max}}</c>. The whole support must lie in [min, max].
    /// </summary>
    public Param? Param(YamlNode node, string path, double min, double max)
    {
        if (node is YamlScalarNode)
        {
            var v = Number(node, path, min, max, "a number or a distribution");
            return v is null ? null : Scenarios.Param.Fixed(path, v.Value);
        }
        if (node is not YamlMappingNode map)
        {
            Error(node, path, $"expected a number or a distribution, found {Describe(node)}");
            return null;
        }
        if (map.Children.Count != 1)
        {
            Error(node, path, "a distribution has exactly one key: beta, uniform, triangular or normal");
            return null;
        }
        var (keyNode, body) = map.Children.First();
        var kind = ((YamlScalarNode)keyNode).Value ?? "";
        var dpath = $"{path}.{kind}";
        Distribution? dist = kind switch
        {
            "beta" => Numbers(body, dpath, 2, "[a, b]") is { } p ? Check(body, dpath, p[0] > 0 && p[1] > 0, "beta parameters a and b must both be > 0", new BetaValue(p[0], p[1])) : null,
            "uniform" => Numbers(body, dpath, 2, "[low, high]") is { } p ? Check(body, dpath, p[0] <= p[1], "uniform needs low ≤ high", new UniformValue(p[0], p[1])) : null,
            "triangular" => Numbers(body, dpath, 3, "[low, mode, high]") is { } p ? Check(body, dpath, p[0] <= p[1] && p[1] <= p[2], "triangular needs low ≤ mode ≤ high", new TriangularValue(p[0], p[1], p[2])) : null,
            "normal" => Normal(body, dpath, min, max),
            _ => null,
        };
        if (kind is not ("beta" or "uniform" or "triangular" or "normal"))
        {
            Error(keyNode, path, $"unknown distribution '{kind}': expected beta, uniform, triangular or normal{Suggest(kind, ["beta", "uniform", "triangular", "normal"])}");
            return null;
        }
        if (dist is null) return null;
        if (dist.Lower < min || dist.Upper > max)
        {
            Error(body, dpath, $"the distribution reaches values outside {RangeText(min, max)} (it spans {Fmt(dist.Lower)} to {Fmt(dist.Upper)})");
            return null;
        }
        return new Param(path, dist);
    }

    private Distribution? Check(YamlNode node, string path, bool ok, string message, Distribution dist)
    {
        if (ok) return dist;
        Error(node, path, message);
        return null;
    }

    private TruncatedNormalValue? Normal(YamlNode body, string path, double min, double max)
    {
        var m = Map(body, path);
        if (m is null) return null;
        var mean = m.Number("mean", required: true);
        var sd = m.Number("sd", required: true, min: 0);
        var lo = m.Number("min") ?? min;
        var hi = m.Number("max") ?? max;
        m.Done();
        if (mean is null || sd is null) return null;
        if (sd <= 0) { Error(body, path + ".sd", "sd must be > 0"); return null; }
        if (lo >= hi) { Error(body, path, "normal needs min < max"); return null; }
        return new TruncatedNormalValue(mean.Value, sd.Value, lo, hi);
    }

    private double[]? Numbers(YamlNode node, string path, int count, string shape)
    {
        if (node is not YamlSequenceNode seq || seq.Children.Count != count)
        {
            Error(node, path, $"expected a list of {count} numbers {shape}, found {Describe(node)}");
            return null;
        }
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var v = Number(seq.Children[i], $"{path}[{i}]");
            if (v is null) return null;
            values[i] = v.Value;
        }
        return values;
    }

    /// <summary>
    /// A probability mix over categories: <c>{cat: p, …}</c> (must sum to 1), <c>{counts: {cat: n, …}}</c>
    /// (normalised), or <c>{dirichlet: {cat: alpha, …}}</c> (each replicate draws its own shares).
    /// </summary>
    public Mix? Mix(YamlNode node, string path, Func<string, bool> knownCategory, string categoryKind)
    {
        if (node is not YamlMappingNode map || map.Children.Count == 0)
        {
            Error(node, path, $"expected a mix of {categoryKind} (category: share, summing to 1), 'counts:' or 'dirichlet:', found {Describe(node)}");
            return null;
        }
        var first = ((YamlScalarNode)map.Children.First().Key).Value;
        var form = map.Children.Count == 1 && first is "dirichlet" or "counts" ? first : "shares";
        var body = form == "shares" ? map : map.Children.First().Value as YamlMappingNode;
        var bodyPath = form == "shares" ? path : $"{path}.{form}";
        if (body is null || body.Children.Count == 0)
        {
            Error(map.Children.First().Value, bodyPath, $"expected {categoryKind} with their {(form == "dirichlet" ? "weights (alpha)" : "counts")}");
            return null;
        }
        var cats = new List<string>();
        var weights = new List<double>();
        var ok = true;
        foreach (var (k, v) in body.Children)
        {
            var cat = ((YamlScalarNode)k).Value ?? "";
            var cpath = $"{bodyPath}.{cat}";
            if (!knownCategory(cat))
            {
                Error(k, cpath, $"unknown {categoryKind} '{cat}'");
                ok = false;
            }
            var w = Number(v, cpath, 0, form == "shares" ? 1 : double.PositiveInfinity);
            if (w is null) { ok = false; continue; }
            cats.Add(cat);
            weights.Add(w.Value);
        }
        if (!ok) return null;
        var total = weights.Sum();
        if (form == "shares" && Math.Abs(total - 1) > 0.001)
        {
            Error(map, path, $"the shares sum to {Fmt(total)}, expected 1 (use 'counts:' to give raw counts)");
            return null;
        }
        if (total <= 0)
        {
            Error(map, path, "at least one category needs a positive weight");
            return null;
        }
        return new Mix(path, cats, weights, form == "dirichlet");
    }

    public static string Suggest(string given, IEnumerable<string> known)
    {
        var best = known.Select(k => (k, d: Levenshtein(given.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(t => t.d <= Math.Max(2, given.Length / 4)).OrderBy(t => t.d).FirstOrDefault();
        return best.k is null ? "" : $" (did you mean '{best.k}'?)";
    }

    private static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}

/// <summary>
/// A mapping being read. Every key read is marked; <see cref="Done"/> reports the keys nobody read,
/// so unknown or misspelt keys never pass silently.
/// </summary>
internal sealed class MapView(YamlReader reader, YamlMappingNode node, string path)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    public YamlReader Reader { get; } = reader;
    public YamlMappingNode Node { get; } = node;
    public string Path { get; } = path;

    public string Sub(string key) => string.IsNullOrEmpty(Path) ? key : $"{Path}.{key}";

    public YamlNode? Get(string key)
    {
        _used.Add(key);
        foreach (var (k, v) in Node.Children)
            if (k is YamlScalarNode { Value: var name } && name == key)
                return YamlReader.IsNull(v) ? null : v;
        return null;
    }

    public bool Has(string key) => Node.Children.Keys.Any(k => k is YamlScalarNode { Value: var n } && n == key);

    private YamlNode? Required(string key, bool required)
    {
        var v = Get(key);
        if (v is null && required)
            Reader.Error(Node, Sub(key), $"missing required field '{key}'");
        return v;
    }

    public string? Str(string key, bool required = false)
    {
        var v = Required(key, required);
        if (v is null) return null;
        if (v is YamlScalarNode s && !string.IsNullOrWhiteSpace(s.Value)) return s.Value!.Trim();
        Reader.Error(v, Sub(key), $"expected text, found {YamlReader.Describe(v)}");
        return null;
    }

    public double? Number(string key, bool required = false, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var v = Required(key, required);
        return v is null ? null : Reader.Number(v, Sub(key), min, max);
    }

    public int? Int(string key, bool required = false, int min = int.MinValue, int max = int.MaxValue)
    {
        var v = Required(key, required);
        if (v is null) return null;
        var d = Reader.Number(v, Sub(key), what: "a whole number");
        if (d is null) return null;
        if (d != Math.Floor(d.Value))
        {
            Reader.Error(v, Sub(key), $"expected a whole number, found {YamlReader.Fmt(d.Value)}");
            return null;
        }
        if (d < min || d > max)
        {
            Reader.Error(v, Sub(key), $"{YamlReader.Fmt(d.Value)} is out of range: expected {YamlReader.RangeText(min, max)}");
            return null;
        }
        return (int)d.Value;
    }

    public bool? Bool(string key)
    {
        var v = Get(key);
        if (v is null) return null;
        if (v is YamlScalarNode { Value: "true" or "yes" or "True" }) return true;
        if (v is YamlScalarNode { Value: "false" or "no" or "False" }) return false;
        Reader.Error(v, Sub(key), $"expected true or false, found {YamlReader.Describe(v)}");
        return null;
    }

    public YearMonth? Month(string key, bool required = false)
    {
        var v = Required(key, required);
        if (v is null) return null;
        if (v is YamlScalarNode s && YearMonth.TryParse(s.Value, out var ym)) return ym;
        Reader.Error(v, Sub(key), $"expected a month like 2016-01, found {YamlReader.Describe(v)}");
        return null;
    }

    public Param? Param(string key, bool required = false, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var v = Required(key, required);
        return v is null ? null : Reader.Param(v, Sub(key), min, max);
    }

    public Mix? Mix(string key, Func<string, bool> known, string categoryKind, bool required = false)
    {
        var v = Required(key, required);
        return v is null ? null : Reader.Mix(v, Sub(key), known, categoryKind);
    }

    public MapView? Child(string key, bool required = false)
    {
        var v = Required(key, required);
        return v is null ? null : Reader.Map(v, Sub(key));
    }

    /// <summary>A list of mappings. Each item's path uses its id when it has one: <c>insatser[kv]</c>.</summary>
    public IReadOnlyList<MapView> List(string key, bool required = false, string idKey = "id")
    {
        var v = Required(key, required);
        if (v is null) return [];
        if (v is not YamlSequenceNode seq)
        {
            Reader.Error(v, Sub(key), $"expected a list (lines starting with '- '), found {YamlReader.Describe(v)}");
            return [];
        }
        var items = new List<MapView>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var item = seq.Children[i];
            var label = item is YamlMappingNode im && im.Children.TryGetValue(new YamlScalarNode(idKey), out var idNode) && idNode is YamlScalarNode { Value: { Length: > 0 } id }
                ? id : i.ToString(CultureInfo.InvariantCulture);
            var m = Reader.Map(item, $"{Sub(key)}[{label}]");
            if (m is not null) items.Add(m);
        }
        return items;
    }

    /// <summary>A list of names; a single name is accepted as a one-item list.</summary>
    public IReadOnlyList<(string Value, YamlNode Node)> Names(string key)
    {
        var v = Get(key);
        if (v is null) return [];
        if (v is YamlScalarNode { Value: { Length: > 0 } one }) return [(one.Trim(), v)];
        if (v is not YamlSequenceNode seq)
        {
            Reader.Error(v, Sub(key), $"expected a list of names, found {YamlReader.Describe(v)}");
            return [];
        }
        var names = new List<(string, YamlNode)>();
        foreach (var item in seq.Children)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } name }) names.Add((name.Trim(), item));
            else Reader.Error(item, Sub(key), $"expected a name, found {YamlReader.Describe(item)}");
        }
        return names;
    }

    /// <summary>Reports keys present in the file that no reader asked for.</summary>
    public void Done()
    {
        foreach (var (k, _) in Node.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (_used.Contains(name)) continue;
            Reader.Error(k, Sub(name), $"unknown key '{name}'{YamlReader.Suggest(name, _used)}; expected one of: {string.Join(", ", _used.Order(StringComparer.Ordinal))}");
        }
    }
}
