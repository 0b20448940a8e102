using System.CommandLine;
using System.Globalization;
using Finsam.Core.Priors;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary><c>finsam backtest --library EVIDENCE</c>: leave one source (or insats) out, learn from the rest, forecast it and score it against baselines.</summary>
public static class LibraryBacktestCommand
{
    public static Option<string?> LibraryOption() => new("--library")
    {
        Description = "Backtest across an evidence library instead of one scenario: hold out each source (the whole file), learn priors " +
            "from the rest, forecast each held-out insats's recorded exits, starts and realised stay, and score them against pooled, " +
            "same-kind, exit = start, own-goal and uniform baselines (docs/validation.md §5).",
    };

    public static Option<bool> InsatsOutOption() => new("--leave-one-insats-out")
    {
        Description = "With --library: hold out one insats at a time instead of one whole source.",
    };

    public static async Task<int> RunAsync(IAnsiConsole console, string evidence, bool insatsOut, ulong? seed, FileInfo? markdown, CancellationToken ct)
    {
        var library = EvidenceCheck.Load(console, evidence);
        if (library is null) return ValidateCommand.InvalidScenario;
        var options = new LibraryBacktestOptions
        {
            LeaveOneInsatsOut = insatsOut,
            Seed = seed ?? new LibraryBacktestOptions().Seed,
            Progress = new Progress<string>(m => console.MarkupLineInterpolated($"[grey]  {m}[/]")),
        };
        var result = await Task.Run(() => LibraryBacktest.Run(library, options), ct);
        var command = $"finsam backtest --library {evidence}{(insatsOut ? " --leave-one-insats-out" : "")}{(seed is { } s ? $" --seed {s}" : "")}";
        var text = LibraryBacktestReport.Markdown(result, command);
        var bars = LibraryBacktestReport.Bars(result);
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]{result.Mode}[/]: {bars.Cases} held-out exit distributions; mean TVD Finsam {bars.FinsamTvd:0.000}, best baseline {bars.BestBaseline} {bars.BestBaselineTvd:0.000} ({(bars.TvdMet ? "[green]bar met[/]" : "[red]bar not met[/]")}); coverage {bars.Inside}/{bars.Intervals} ({(bars.CoverageMet ? "[green]bar met[/]" : "[red]bar not met[/]")}); starts inside {bars.StartsInside}/{bars.StartsForecast} ({(bars.StartsMet ? "[green]bar met[/]" : "[red]bar not met[/]")})");
        if (markdown is not null)
        {
            await File.WriteAllTextAsync(markdown.FullName, text, ct);
            console.MarkupLineInterpolated($"Wrote [bold]{markdown}[/].");
        }
        else console.WriteLine(text);
        return 0;
    }
}
