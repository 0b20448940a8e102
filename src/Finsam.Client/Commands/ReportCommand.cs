using System.CommandLine;
using System.CommandLine.Parsing;
using Finsam.Client.Output;
using Finsam.Core.Results;
using Finsam.Report;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary><c>finsam report RESULT_DIR</c>: the board report (one self-contained HTML file) from a run's result.json.</summary>
public static class ReportCommand
{
    public static Option<string> Language() => new("--lang", "-l")
    {
        Description = "Report language: sv (Swedish, the default) or en (English).",
        DefaultValueFactory = _ => "sv",
        Validators = { CheckLanguage },
    };

    public static Command Create(IAnsiConsole console)
    {
        var dir = new Argument<DirectoryInfo>("result-dir") { Description = "Folder with result.json, written by 'finsam run --out'." };
        var lang = Language();
        var output = new Option<FileInfo?>("--out", "-o") { Description = "HTML file to write (default: RESULT_DIR/report.html)." };
        var cmd = new Command("report",
            "Write the board report: one self-contained HTML file (no network needed to open it) with the headline figures in plain words, " +
            "who pays and who gains, and charts of people by income support, insatser, queues and waits, the parties' ledgers and recorded results against the forecast.")
        {
            dir, lang, output,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            OutputCheck.ForFile(parse.GetValue(output));
            var folder = parse.GetValue(dir)!;
            var json = Path.Combine(folder.FullName, "result.json");
            if (!File.Exists(json))
            {
                console.MarkupLineInterpolated($"[red]error[/]: {Path.Combine(folder.ToString(), "result.json")} not found; write one with 'finsam run FILE --out {folder}'.");
                return ExitCodes.BadInput;
            }
            RunSummary summary;
            try
            {
                summary = ResultWriter.FromJson(await File.ReadAllTextAsync(json, ct));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
            {
                console.MarkupLineInterpolated($"[red]error[/]: {json} is not a Finsam result: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (OperationCanceledException)
            {
                console.MarkupLine("[yellow]Cancelled.[/] Nothing was written.");
                return 130;
            }
            if ((Missing(summary) ?? Missing(summary.Run)) is { } absent)
            {
                console.MarkupLineInterpolated($"[red]error[/]: {json} is not a complete Finsam result: '{absent}' is missing; write it again with 'finsam run FILE --out {folder}'.");
                return ExitCodes.BadInput;
            }
            var target = parse.GetValue(output)?.FullName ?? Path.Combine(folder.FullName, "report.html");
            return await Write(console, summary, target, ReportBuilder.ParseLanguage(parse.GetValue(lang)), ct);
        });
        return cmd;
    }

    /// <summary>The first member a result must have that the JSON left out (a file cut short or written by hand), or null.</summary>
    private static string? Missing(object? o)
    {
        if (o is null) return null;
        var nullability = new System.Reflection.NullabilityInfoContext();
        return o.GetType().GetProperties()
            .FirstOrDefault(p => !p.PropertyType.IsValueType && nullability.Create(p).ReadState == System.Reflection.NullabilityState.NotNull && p.GetValue(o) is null)
            ?.Name;
    }

    /// <summary>Draws the report with a spinner (charts take a moment) and writes it whole; 130 when cancelled.</summary>
    public static async Task<int> Write(IAnsiConsole console, RunSummary summary, string path, ReportLanguage lang, CancellationToken ct)
    {
        try
        {
            var html = await ProgressBars.Status(console, lang == ReportLanguage.Sv ? "Ritar rapportens diagram…" : "Drawing the report's charts…",
                () => Task.Run(() => ReportBuilder.Build(summary, lang), ct));
            ct.ThrowIfCancellationRequested();
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var tmp = full + $".partial-{Environment.ProcessId}";
            await File.WriteAllTextAsync(tmp, html, new System.Text.UTF8Encoding(false), CancellationToken.None);
            File.Move(tmp, full, overwrite: true);
            console.MarkupLineInterpolated($"Wrote [bold]{Path.GetRelativePath(Directory.GetCurrentDirectory(), full)}[/] ({html.Length / 1024} kB, {(lang == ReportLanguage.Sv ? "svenska" : "English")}).");
            return 0;
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]Cancelled.[/] No report was written.");
            return 130;
        }
    }

    private static void CheckLanguage(OptionResult r)
    {
        var v = CommonOptions.ValueOrNull<string>(r);
        if (v is not null && v.Trim().ToLowerInvariant() is not ("sv" or "en" or "sv-se" or "en-gb" or "en-us"))
            r.AddError($"--lang must be sv or en, not '{v}'");
    }
}
