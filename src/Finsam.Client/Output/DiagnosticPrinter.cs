using Finsam.Core.Loading;
using Spectre.Console;

namespace Finsam.Client.Output;

/// <summary>Prints scenario problems compiler-style: position, field, message, and the source line with a caret.</summary>
public static class DiagnosticPrinter
{
    // A hostile file may hold one line of a megabyte: show this much of it around the column.
    private const int EchoWidth = 160;

    public static void Write(IAnsiConsole console, IReadOnlyList<Diagnostic> diagnostics, ScenarioSource? source)
    {
        // Each file is split into lines once, not once per diagnostic.
        var lines = new Dictionary<string, string[]?>(StringComparer.Ordinal);
        foreach (var d in diagnostics)
        {
            console.MarkupLineInterpolated($"[red]error[/] [bold]{d.Where}[/]{(d.Path.Length > 0 ? ": " : "")}[yellow]{d.Path}[/]: {d.Message}");
            if (!lines.TryGetValue(d.Where.File, out var text)) lines[d.Where.File] = text = FileText(source, d.Where)?.Split('\n');
            if (text is null || d.Where.Line <= 0 || d.Where.Line > text.Length) continue;
            var (shown, caret) = Window(text[d.Where.Line - 1].TrimEnd('\r'), d.Where.Column);
            // Identity numbers in the echoed line are masked like everywhere else.
            console.MarkupLineInterpolated($"[grey]{d.Where.Line,5} | {Diagnostic.Printable(PersonnummerGuard.MaskAll(shown))}[/]");
            console.MarkupLineInterpolated($"[grey]      | {new string(' ', caret)}^[/]");
        }
        console.MarkupLineInterpolated($"[red]{diagnostics.Count} problem{(diagnostics.Count == 1 ? "" : "s")}[/]; nothing was run or written.");
    }

    /// <summary>At most <see cref="EchoWidth"/> characters of a line around a column, and where the caret goes.</summary>
    private static (string Text, int Caret) Window(string line, int column)
    {
        var at = Math.Clamp(column - 1, 0, line.Length);
        if (line.Length <= EchoWidth) return (line, at);
        var start = Math.Clamp(at - EchoWidth / 2, 0, line.Length - EchoWidth);
        var prefix = start > 0 ? "…" : "";
        var suffix = start + EchoWidth < line.Length ? "…" : "";
        return (string.Concat(prefix, line.AsSpan(start, EchoWidth), suffix), at - start + prefix.Length);
    }

    private static string? FileText(ScenarioSource? source, SourcePos where)
    {
        if (source is null || where.Line <= 0) return null;
        return where.File == source.FileName ? source.Text
            : where.File == source.Overlay?.FileName ? source.Overlay.Text
            : source.Includes.FirstOrDefault(kv => where.File.EndsWith(kv.Key.Replace("../", "", StringComparison.Ordinal), StringComparison.Ordinal)).Value;
    }
}
