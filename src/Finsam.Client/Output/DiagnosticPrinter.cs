using Finsam.Core.Loading;
using Spectre.Console;

namespace Finsam.Client.Output;

/// <summary>Prints scenario problems compiler-style: position, field, message, and the source line with a caret.</summary>
public static class DiagnosticPrinter
{
    public static void Write(IAnsiConsole console, IReadOnlyList<Diagnostic> diagnostics, ScenarioSource? source)
    {
        foreach (var d in diagnostics)
        {
            console.MarkupLineInterpolated($"[red]error[/] [bold]{d.Where}[/]{(d.Path.Length > 0 ? ": " : "")}[yellow]{d.Path}[/]: {d.Message}");
            var line = SourceLine(source, d.Where);
            if (line is null) continue;
            // Identity numbers in the echoed line are masked like everywhere else.
            console.MarkupLineInterpolated($"[grey]{d.Where.Line,5} | {PersonnummerGuard.MaskAll(line)}[/]");
            console.MarkupLineInterpolated($"[grey]      | {new string(' ', Math.Max(0, d.Where.Column - 1))}^[/]");
        }
        console.MarkupLineInterpolated($"[red]{diagnostics.Count} problem{(diagnostics.Count == 1 ? "" : "s")}[/]; nothing was run or written.");
    }

    private static string? SourceLine(ScenarioSource? source, SourcePos where)
    {
        if (source is null || where.Line <= 0) return null;
        string? text = where.File == source.FileName ? source.Text
            : where.File == source.Overlay?.FileName ? source.Overlay.Text
            : source.Includes.FirstOrDefault(kv => where.File.EndsWith(kv.Key.Replace("../", "", StringComparison.Ordinal), StringComparison.Ordinal)).Value;
        if (text is null) return null;
        var lines = text.Split('\n');
        return where.Line <= lines.Length ? lines[where.Line - 1].TrimEnd('\r') : null;
    }
}
