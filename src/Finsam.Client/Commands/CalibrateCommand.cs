using System.CommandLine;
using Finsam.Client.Running;
using System.Globalization;
using Finsam.Client.Output;
using Finsam.Core.Calibration;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary>
/// <c>finsam calibrate FILE</c>: fits the scenario's uncertain parameters to its recorded results and
/// writes the fitted values as an overlay; shows the fit before and after.
/// </summary>
public static class CalibrateCommand
{
    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var file = CommonOptions.ScenarioFile();
        var variant = CommonOptions.Variant();
        var replicates = new Option<int>("--replicates", "-n")
        {
            Description = "Replicates per evaluation (the same seed each time: common random numbers).",
            DefaultValueFactory = _ => 100,
            CustomParser = r => CommonOptions.ParseCount(r, Core.Loading.WorkBudget.MaxReplicates) ?? 0,
        };
        var seed = CommonOptions.Seed();
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the overlay with the fitted values to this file (else it is printed)." };
        var iterations = new Option<int>("--max-iterations") { Description = "Nelder–Mead iterations per insats and sweep.", DefaultValueFactory = _ => 120, CustomParser = r => CommonOptions.ParseCount(r, 100_000) ?? 0 };
        var cmd = new Command("calibrate",
            "Fit a scenario's uncertain parameters to its recorded results: exit mixes by a Dirichlet–multinomial update, " +
            "exit models by MAP–EM, duration means, dropout and referral rates by Nelder–Mead with common random numbers. " +
            "Writes the fitted values as an overlay (run it with 'finsam run FILE --overlay OVERLAY') and shows the fit before and after.")
        {
            file, variant, replicates, seed, output, iterations,
        };
        backends.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            OutputCheck.ForFile(parse.GetValue(output));
            var path = parse.GetValue(file)!;
            var (read, missing) = CommonOptions.ReadSource(path, null);
            if (missing is not null)
            {
                DiagnosticPrinter.Write(console, [missing], null);
                return ValidateCommand.InvalidScenario;
            }
            var source = read!;
            var chosen = parse.GetValue(variant);
            ulong scenarioSeed;
            try
            {
                var scenario = ScenarioLoader.Load(source, chosen);
                scenarioSeed = scenario.Seed;
                if (scenario.Recorded.Count == 0)
                {
                    console.MarkupLine("[yellow]The scenario has no recorded results: there is nothing to calibrate against.[/]");
                    return 1;
                }
            }
            catch (ScenarioException e)
            {
                DiagnosticPrinter.Write(console, e.Diagnostics, source);
                return ValidateCommand.InvalidScenario;
            }
            var n = Math.Max(1, parse.GetValue(replicates));
            var outFile = parse.GetValue(output);
            var baseRef = outFile is null ? Path.GetFileName(path.FullName)
                : Path.GetRelativePath(Path.GetDirectoryName(outFile.FullName)!, path.FullName).Replace('\\', '/');
            var s = parse.GetValue(seed) ?? scenarioSeed;
            await using var runner = backends.CreateForAnalysis(parse);
            var options = new CalibrationOptions
            {
                Runner = runner,
                Replicates = n,
                Seed = s,
                MaxIterationsPerBlock = Math.Max(10, parse.GetValue(iterations)),
                BaseReference = baseRef,
                Command = $"finsam calibrate {path}{(chosen is null ? "" : $" --variant {chosen}")} --replicates {n} --seed {s}",
                Progress = new Progress<string>(m => console.MarkupLineInterpolated($"[grey]  {m}[/]")),
            };
            console.MarkupLineInterpolated($"Calibrating [bold]{path}[/]{(chosen is null ? "" : $" [[{chosen}]]")}: {n} replicates per evaluation, seed {s}, on the {runner.Description}.");
            CalibrationResult result;
            try
            {
                result = await Calibrator.RunAsync(source, chosen, options, ct);
            }
            catch (OperationCanceledException)
            {
                console.MarkupLine("[yellow]Cancelled.[/] Nothing was written.");
                return 130;
            }
            catch (ScenarioException e)
            {
                // The overlay the fit wrote does not load: a bug, but say exactly what.
                console.MarkupLine("[red]The fitted overlay does not load:[/]");
                DiagnosticPrinter.Write(console, e.Diagnostics, null);
                return 1;
            }
            Write(console, result);
            if (outFile is null)
            {
                console.WriteLine();
                console.MarkupLine("[grey]Overlay (use --out FILE to write it):[/]");
                console.WriteLine(result.OverlayText);
            }
            else
            {
                var dir = Path.GetDirectoryName(outFile.FullName)!;
                Directory.CreateDirectory(dir);
                var tmp = Path.Combine(dir, $".{outFile.Name}.{Environment.ProcessId}.tmp");
                await File.WriteAllTextAsync(tmp, result.OverlayText, ct);
                File.Move(tmp, outFile.FullName, overwrite: true);
                console.MarkupLineInterpolated($"Wrote [bold]{outFile}[/]: finsam run {path} --overlay {outFile}");
            }
            return 0;
        });
        return cmd;
    }

    public static void Write(IAnsiConsole console, CalibrationResult r)
    {
        var fitted = Table("Fitted values", "Insats", "What", "Method", "Before", "After");
        foreach (var f in r.Fitted)
            fitted.AddRow(Markup.Escape(f.Insats), Markup.Escape(f.What), Markup.Escape(f.Method), Markup.Escape(f.Before), Markup.Escape(f.After));
        console.Write(fitted);
        foreach (var s in r.Skipped) console.MarkupLineInterpolated($"[grey]Not fitted: {s}[/]");

        var t = Table("Recorded results: fit before → after (same seed and replicates)", "Recorded", "Observed", "Before", "After", "Inside before → after");
        t.Columns[1].RightAligned();
        var after = r.After.Checks.ToDictionary(c => c.Id, StringComparer.Ordinal);
        foreach (var b in r.Before.Checks)
        {
            var a = after[b.Id];
            if (b.Categories is null)
            {
                t.AddRow(Markup.Escape(b.Id), Num(b.Observed ?? 0), Scalar(b), Scalar(a), $"{Yes(b.Inside)} → {Yes(a.Inside)}");
                continue;
            }
            int In(RecordedCheck c) => c.Categories!.Count(k => k.Inside);
            t.AddRow(Markup.Escape(b.Id), $"n = {Num(b.Observed ?? 0)}", Dist(b), Dist(a), $"{In(b)}/{b.Categories.Count} → {In(a)}/{a.Categories!.Count}");
        }
        console.Write(t);
        var verdict = r.After.Coverage >= 0.8 ? "green" : "red";
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Interval coverage: {r.Before.Inside} of {r.Before.Total} ({r.Before.Coverage:0%}) → [{verdict}]{r.After.Inside} of {r.After.Total} ({r.After.Coverage:0%})[/] recorded values inside the 90 % interval."));
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Poisson deviance of the recorded single values: {r.LossBefore:0.0} → {r.LossAfter:0.0}; mean TVD of the recorded distributions: {MeanTvd(r.Before):0.000} → {MeanTvd(r.After):0.000}. {r.Evaluations} simulation runs."));
    }

    private static double MeanTvd(RecordedSummary s) =>
        s.Checks.Where(c => c.TotalVariationDistance is not null).Select(c => c.TotalVariationDistance!.Value).DefaultIfEmpty(double.NaN).Average();

    private static string Scalar(RecordedCheck c) =>
        c.Forecast is { } f ? $"{Num(f.Mean)} [grey]({Num(f.P5)}–{Num(f.P95)})[/]" : "";

    private static string Dist(RecordedCheck c) =>
        string.Create(CultureInfo.InvariantCulture, $"TVD {c.TotalVariationDistance:0.000} · G {(c.GStatistic is { } g ? g.ToString("0.0", CultureInfo.InvariantCulture) : "∞")}");

    private static string Yes(bool inside) => inside ? "[green]yes[/]" : "[red]no[/]";

    private static string Num(double v) => v.ToString(Math.Abs(v) >= 100 ? "#,0" : "0.#", CultureInfo.InvariantCulture);

    private static Table Table(string title, params string[] columns)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/]");
        foreach (var c in columns) t.AddColumn(new TableColumn(Markup.Escape(c)));
        return t;
    }
}
