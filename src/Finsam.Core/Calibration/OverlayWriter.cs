using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Calibration;

/// <summary>One override of an overlay: a field path, its new value as YAML, and a comment for the reader.</summary>
public sealed record OverlayEntry(string Path, string Yaml, string? Comment = null);

/// <summary>Writes scenario overlays (docs/scenario-format.md §12) and the YAML of uncertain values and mixes.</summary>
public static partial class OverlayWriter
{
    public static string Write(string baseFile, string source, string? variant, IEnumerable<OverlayEntry> entries, string? note = null)
    {
        var sb = new StringBuilder();
        sb.Append("# Scenario overlay (docs/scenario-format.md §12). Apply it with: finsam run SCENARIO --overlay THIS-FILE\n");
        sb.Append("# where SCENARIO is the file named by 'base' (relative to this file).\n");
        sb.Append("finsam_overlay: 1\n");
        sb.Append("base: ").Append(Scalar(baseFile, block: true)).Append('\n');
        sb.Append("source: ").Append(Quote(source)).Append('\n');
        if (variant is not null) sb.Append("variant: ").Append(Scalar(variant, block: true)).Append('\n');
        if (note is not null) sb.Append("note: ").Append(Quote(note)).Append('\n');
        sb.Append("set:\n");
        foreach (var e in entries)
        {
            if (e.Comment is not null)
                foreach (var line in e.Comment.Split('\n')) sb.Append("  # ").Append(line).Append('\n');
            sb.Append("  ").Append(Scalar(e.Path, block: true)).Append(": ").Append(e.Yaml).Append('\n');
        }
        return sb.ToString();
    }

    public static string Yaml(Distribution d) => d switch
    {
        FixedValue f => Num(f.Value),
        UniformValue u => $"{{ uniform: [{Num(u.Low)}, {Num(u.High)}] }}",
        TriangularValue t => $"{{ triangular: [{Num(t.Low)}, {Num(t.Mode)}, {Num(t.High)}] }}",
        BetaValue b => $"{{ beta: [{Num(b.A)}, {Num(b.B)}] }}",
        TruncatedNormalValue n => $"{{ normal: {{ mean: {Num(n.Mu)}, sd: {Num(n.Sd)}{(double.IsFinite(n.Low) ? $", min: {Num(n.Low)}" : "")}{(double.IsFinite(n.High) ? $", max: {Num(n.High)}" : "")} }} }}",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    /// <summary>A mix in its own form; categories with weight 0 are left out (they stay impossible).</summary>
    public static string Yaml(Mix m)
    {
        var body = string.Join(", ", m.Categories.Select((c, k) => (c, w: m.Weights[k])).Where(t => t.w > 0).Select(t => $"{Scalar(t.c)}: {Num(t.w)}"));
        return m.IsDirichlet ? $"{{ dirichlet: {{ {body} }} }}" : $"{{ counts: {{ {body} }} }}";
    }

    /// <summary>The rows of an exit model, as the value of <c>exit_models[id].rows</c>.</summary>
    public static string Yaml(ExitModel model)
    {
        var sb = new StringBuilder("\n");
        foreach (var r in model.Rows) sb.Append("    ").Append(Scalar(r.Start, block: true)).Append(": ").Append(Yaml(r.Exits)).Append('\n');
        if (model.Default is { } d) sb.Append("    default: ").Append(Yaml(d)).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>Four significant digits (at least the integer part), invariant culture.</summary>
    public static string Num(double v)
    {
        if (v == 0 || !double.IsFinite(v)) return v.ToString(CultureInfo.InvariantCulture);
        var digits = 4 - (int)Math.Floor(Math.Log10(Math.Abs(v))) - 1;
        var r = digits < 0 ? Math.Round(v) : digits <= 15 ? Math.Round(v, digits) : v;
        return r.ToString("0.##########", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^[\p{L}\p{N}_][\p{L}\p{N} _/()+.\-]*$")]
    private static partial Regex PlainSafe();

    // Block keys (field paths such as insatser[kv].exits) may also hold brackets.
    [GeneratedRegex(@"^[\p{L}\p{N}_][\p{L}\p{N} _/()+.\-\[\]]*$")]
    private static partial Regex PlainSafeBlock();

    /// <summary>A key or name: plain when YAML reads it back unchanged as text, else double-quoted.</summary>
    public static string Scalar(string s, bool block = false) =>
        (block ? PlainSafeBlock() : PlainSafe()).IsMatch(s) && !s.EndsWith(' ') && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            && s is not ("true" or "false" or "yes" or "no" or "null" or "True" or "False")
            ? s : Quote(s);

    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
