using System.Globalization;
using Finsam.Core.Scenarios;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Finsam.Core.Calibration;

/// <summary>One override of an overlay: a field path, its new value as YAML, and a comment for the reader.</summary>
public sealed record OverlayEntry(string Path, string Yaml, string? Comment = null);

/// <summary>
/// Writes scenario overlays (docs/scenario-format.md §12) and the YAML of uncertain values and mixes, with
/// YamlDotNet's emitter: it decides how a name must be quoted; values stay in the compact flow form.
/// </summary>
public static class OverlayWriter
{
    private static readonly EmitterSettings Settings = new(
        bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024,
        skipAnchorName: false, indentSequences: false, newLine: "\n", useUtf16SurrogatePairs: false);

    public static string Write(string baseFile, string source, string? variant, IEnumerable<OverlayEntry> entries, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Emit(e =>
        {
            Comment(e, "Scenario overlay (docs/scenario-format.md §12). Apply it with: finsam run SCENARIO --overlay THIS-FILE");
            Comment(e, "where SCENARIO is the file named by 'base' (relative to this file).");
            e.Emit(new MappingStart(null, null, true, MappingStyle.Block));
            e.Emit(Text("finsam_overlay"));
            e.Emit(Number(1));
            e.Emit(Text("base"));
            e.Emit(Text(baseFile));
            e.Emit(Text("source"));
            e.Emit(Quoted(source));
            if (variant is not null)
            {
                e.Emit(Text("variant"));
                e.Emit(Text(variant));
            }
            if (note is not null)
            {
                e.Emit(Text("note"));
                e.Emit(Quoted(note));
            }
            e.Emit(Text("set"));
            e.Emit(new MappingStart(null, null, true, MappingStyle.Block));
            foreach (var entry in entries)
            {
                if (entry.Comment is not null) Comment(e, entry.Comment);
                e.Emit(Text(entry.Path));
                Replay(e, entry.Yaml);
            }
            e.Emit(new MappingEnd());
            e.Emit(new MappingEnd());
        });
    }

    public static string Yaml(Distribution d) => d switch
    {
        FixedValue f => Num(f.Value),
        UniformValue u => Flow("uniform", u.Low, u.High),
        TriangularValue t => Flow("triangular", t.Low, t.Mode, t.High),
        BetaValue b => Flow("beta", b.A, b.B),
        TruncatedNormalValue n => Emit(e =>
        {
            e.Emit(new MappingStart(null, null, true, MappingStyle.Flow));
            e.Emit(Text("normal"));
            e.Emit(new MappingStart(null, null, true, MappingStyle.Flow));
            Pair(e, "mean", n.Mu);
            Pair(e, "sd", n.Sd);
            if (double.IsFinite(n.Low)) Pair(e, "min", n.Low);
            if (double.IsFinite(n.High)) Pair(e, "max", n.High);
            e.Emit(new MappingEnd());
            e.Emit(new MappingEnd());
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    /// <summary>A mix in its own form; categories with weight 0 are left out (they stay impossible).</summary>
    public static string Yaml(Mix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return Emit(e => EmitMix(e, m));
    }

    /// <summary>The rows of an exit model, as the value of <c>exit_models[id].rows</c>.</summary>
    public static string Yaml(ExitModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Emit(e =>
        {
            e.Emit(new MappingStart(null, null, true, MappingStyle.Block));
            foreach (var r in model.Rows)
            {
                e.Emit(Text(r.Start));
                EmitMix(e, r.Exits);
            }
            if (model.Default is { } d)
            {
                e.Emit(Text("default"));
                EmitMix(e, d);
            }
            e.Emit(new MappingEnd());
        });
    }

    /// <summary>Four significant digits (at least the integer part), invariant culture.</summary>
    public static string Num(double v)
    {
        if (v == 0 || !double.IsFinite(v)) return v.ToString(CultureInfo.InvariantCulture);
        var digits = 4 - (int)Math.Floor(Math.Log10(Math.Abs(v))) - 1;
        var r = digits < 0 ? Math.Round(v) : digits <= 15 ? Math.Round(v, digits) : v;
        return r.ToString("0.##########", CultureInfo.InvariantCulture);
    }

    private static void EmitMix(IEmitter e, Mix m)
    {
        e.Emit(new MappingStart(null, null, true, MappingStyle.Flow));
        e.Emit(Text(m.IsDirichlet ? "dirichlet" : "counts"));
        e.Emit(new MappingStart(null, null, true, MappingStyle.Flow));
        for (var k = 0; k < m.Categories.Count; k++)
            if (m.Weights[k] > 0) Pair(e, m.Categories[k], m.Weights[k]);
        e.Emit(new MappingEnd());
        e.Emit(new MappingEnd());
    }

    private static string Flow(string key, params double[] values) => Emit(e =>
    {
        e.Emit(new MappingStart(null, null, true, MappingStyle.Flow));
        e.Emit(Text(key));
        e.Emit(new SequenceStart(null, null, true, SequenceStyle.Flow));
        foreach (var v in values) e.Emit(Number(v));
        e.Emit(new SequenceEnd());
        e.Emit(new MappingEnd());
    });

    private static void Pair(IEmitter e, string key, double value)
    {
        e.Emit(Text(key));
        e.Emit(Number(value));
    }

    private static void Comment(IEmitter e, string text)
    {
        foreach (var line in text.Split('\n')) e.Emit(new YamlDotNet.Core.Events.Comment(line, false));
    }

    /// <summary>The events of a YAML value written earlier (an <see cref="OverlayEntry.Yaml"/>), into the document being written.</summary>
    private static void Replay(IEmitter e, string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        while (parser.MoveNext())
            if (parser.Current is not (StreamStart or StreamEnd or DocumentStart or DocumentEnd) and { } ev)
                e.Emit(ev);
    }

    /// <summary>One YAML node written by <paramref name="body"/>, as text without the final line break.</summary>
    private static string Emit(Action<IEmitter> body)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer, Settings);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, true));
        body(emitter);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString().TrimEnd('\n');
    }

    private static Scalar Number(double v) => new(null, null, Num(v), ScalarStyle.Plain, true, false);

    // A name or path: the emitter picks plain or quoted; text a YAML reader would take for a number,
    // a boolean or null is double-quoted so it stays text for every reader.
    private static Scalar Text(string s) => new(null, null, s, LooksTyped(s) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, true, true);

    private static Scalar Quoted(string s) => new(null, null, s, ScalarStyle.DoubleQuoted, false, true);

    private static bool LooksTyped(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || s.Trim().ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "null" or "~" or "" or ".inf" or "-.inf" or ".nan";
}
