using Finsam.Core.Evidence;
using Finsam.Core.Loading;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary>Loads evidence for <c>finsam validate</c>, <c>learn</c> and <c>backtest --library</c>, printing every problem compiler-style.</summary>
public static class EvidenceCheck
{
    /// <summary>True when the path is an evidence folder or a file with a top-level <c>evidence:</c> key.</summary>
    public static bool IsEvidence(string path) =>
        Directory.Exists(path) || (File.Exists(path) && EvidenceLoader.LooksLikeEvidence(ReadOrEmpty(path)));

    // Read as scenarios are (bounded, never a pipe or device); a file that cannot be read is reported by the scenario path.
    private static string ReadOrEmpty(string path)
    {
        try { return ScenarioSource.ReadText(path, path); }
        catch (ScenarioException) { return ""; }
    }

    /// <summary>Loads the library; on problems prints them and returns null (the caller exits with code 2, writing nothing).</summary>
    public static EvidenceLibrary? Load(IAnsiConsole console, string path)
    {
        var (library, problems) = EvidenceLoader.LoadPath(path);
        if (library is not null) return library;
        foreach (var d in problems)
        {
            console.MarkupLineInterpolated($"[red]error[/] [bold]{d.Where}[/]{(d.Path.Length > 0 ? ": " : "")}[yellow]{d.Path}[/]: {d.Message}");
            if (Line(d.Where) is { } line)
            {
                console.MarkupLineInterpolated($"[grey]{d.Where.Line,5} | {PersonnummerGuard.MaskAll(line)}[/]");
                console.MarkupLineInterpolated($"[grey]      | {new string(' ', Math.Max(0, d.Where.Column - 1))}^[/]");
            }
        }
        console.MarkupLineInterpolated($"[red]{problems.Count} problem{(problems.Count == 1 ? "" : "s")}[/] in the evidence; nothing was written.");
        return null;
    }

    /// <summary><c>finsam validate</c> on evidence: a summary line, or the problems and exit code 2.</summary>
    public static int Validate(IAnsiConsole console, string path)
    {
        var library = Load(console, path);
        if (library is null) return ValidateCommand.InvalidScenario;
        var insatser = library.Insatser.ToList();
        console.MarkupLineInterpolated(
            $"[green]valid[/]: {library.Files.Count} evidence file{(library.Files.Count == 1 ? "" : "s")}, {insatser.Count} insatser of {library.Kinds.Count()} kinds, {insatser.Sum(i => i.Records.Count)} records, {insatser.Select(i => i.Forbund ?? i.SourceId).Distinct().Count()} förbund");
        return 0;
    }

    private static string? Line(SourcePos where)
    {
        if (where.Line <= 0 || !File.Exists(where.File)) return null;
        var lines = File.ReadAllLines(where.File);
        return where.Line <= lines.Length ? lines[where.Line - 1] : null;
    }
}
