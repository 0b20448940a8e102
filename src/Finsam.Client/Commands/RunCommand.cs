using System.CommandLine;
using Finsam.Client.Output;
using Finsam.Client.Running;
using Finsam.Core.Diagnostics;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary><c>finsam run FILE</c>: validates, runs the replicates, prints the summary and writes results.</summary>
public static class RunCommand
{
    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var file = CommonOptions.ScenarioFile();
        var variant = CommonOptions.Variant();
        var replicates = CommonOptions.Replicates();
        var seed = CommonOptions.Seed();
        var outDir = CommonOptions.Out();
        var overlay = CommonOptions.Overlay();
        var report = new Option<bool>("--report") { Description = "Also write the board report, report.html, next to result.json (needs --out)." };
        var lang = ReportCommand.Language();
        var runId = new Option<string?>("--run-id") { Description = "Name the run (on a cluster its result stays stored under this id; see 'finsam result')." };
        var cmd = new Command("run", "Run a scenario: forecast people served, exits, income states, waits and what each party pays, with 90 % intervals over Monte Carlo replicates.")
        {
            file, variant, overlay, replicates, seed, outDir, runId, report, lang,
        };
        backends.AddTo(cmd);
        cmd.Validators.Add(r =>
        {
            if (r.GetValue(report) && r.GetValue(outDir) is null) r.AddError("--report writes report.html next to result.json: give --out DIR too");
            if (r.GetValue(runId) is { } id && !Finsam.Grains.Runs.RunIds.IsValid(id))
                r.AddError($"--run-id must be {Finsam.Grains.Runs.RunIds.Rule}");
        });
        cmd.SetAction(async (parse, ct) =>
        {
            // The embedded silo starts on the other core while the file is read and validated (most of the
            // 0.6 s before a run can start); a refused file calls the start off without waiting for it.
            await using var early = EarlyStart.For(backends, parse, ct);
            var (read, missing) = CommonOptions.ReadSource(parse.GetValue(file)!, parse.GetValue(overlay));
            if (missing is not null)
            {
                DiagnosticPrinter.Write(console, [missing], null);
                return ValidateCommand.InvalidScenario;
            }
            var source = read!;
            var chosen = parse.GetValue(variant);
            Scenario scenario;
            // The whole file as 'validate' sees it, every variant included: a broken variant is not run around.
            var problems = ScenarioLoader.Validate(source);
            if (problems.Count > 0)
            {
                DiagnosticPrinter.Write(console, problems, source);
                return ValidateCommand.InvalidScenario;
            }
            try
            {
                scenario = ScenarioLoader.Load(source, chosen);
            }
            catch (ScenarioException e)
            {
                DiagnosticPrinter.Write(console, e.Diagnostics, source);
                return ValidateCommand.InvalidScenario;
            }
            // Say what the priors filled in and which realised stays the run meets (docs/scenario-format.md §9).
            foreach (var note in scenario.PriorsNotes) console.MarkupLineInterpolated($"[grey]priors: {note}[/]");
            var options = new RunOptions { Replicates = parse.GetValue(replicates), Seed = parse.GetValue(seed) };
            var total = options.Replicates ?? scenario.Replicates;
            // Refuse before any work starts: a run over the budget, or results that could not be written at the end.
            if (WorkBudget.CheckRun(scenario, total) is { } over) throw new UsageException(over);
            OutputCheck.ForFolder(parse.GetValue(outDir));
            Timings.Mark("scenario read and validated");
            if (backends.Mode(parse) == "postgres") await CommonOptions.CheckDatabaseAsync(backends.ClusterOptions(parse).ConnectionString!, ct);
            await using var runner = await early.TakeAsync() ?? backends.Create(parse);
            try
            {
                // Starting the embedded silo or joining the cluster is not part of the run's time.
                await runner.ConnectAsync(ct);
                Timings.Mark($"{runner.Description} ready");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var outcome = await WithProgress(console, $"{scenario.Name}{(chosen is null ? "" : $" [{chosen}]")}", total,
                    progress => runner.SummariseAsync(new RunJob(source, chosen, options, parse.GetValue(runId)) { Loaded = scenario }, progress, ct));
                var summary = outcome.Summary;
                var elapsed = clock.Elapsed;
                Timings.Mark("replicates run and summarised");
                TerminalSummary.Write(console, summary);
                Timings.Mark("summary printed");
                var inCluster = outcome.ClusterSeconds is { } s
                    ? $" ({s.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} s inside the silos)" : "";
                console.MarkupLineInterpolated($"[grey]{total} replicates in {elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} s on the {runner.Description}{inCluster}.[/]");
                WriteResults(console, summary, parse.GetValue(outDir));
                Timings.Mark("results written");
                if (outcome.RunId is { } id && backends.Mode(parse) == "postgres")
                    console.MarkupLineInterpolated($"Run id [bold]{id}[/] (stored in the cluster: finsam result {id} --cluster postgres --connection …)");
                if (parse.GetValue(report) && parse.GetValue(outDir) is { } dir)
                    return await ReportCommand.Write(console, summary, Path.Combine(dir.FullName, "report.html"), Finsam.Report.ReportBuilder.ParseLanguage(parse.GetValue(lang)), ct);
                return 0;
            }
            catch (OperationCanceledException)
            {
                console.MarkupLine("[yellow]Cancelled.[/] Nothing was written.");
                return 130;
            }
            catch (Finsam.Grains.Runs.RunIdInUseException e)
            {
                console.MarkupLineInterpolated($"[red]Refused:[/] {e.Message}. Nothing was run or written.");
                return ValidateCommand.InvalidScenario;
            }
            catch (InvalidOperationException e)
            {
                console.MarkupLineInterpolated($"[red]The run failed:[/] {e.Message}");
                return 1;
            }
        });
        return cmd;
    }

    public static void WriteResults(IAnsiConsole console, RunSummary summary, DirectoryInfo? dir)
    {
        if (dir is null) return;
        ResultWriter.Write(summary, dir.FullName);
        console.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(dir.ToString(), "result.json")}[/] and CSV files.");
    }

    /// <summary>Runs work that reports completed replicates, with a progress bar on the console.</summary>
    public static async Task<T> WithProgress<T>(IAnsiConsole console, string label, int total, Func<IProgress<int>, Task<T>> work)
    {
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape($"{label}: {total} replicates"), maxValue: total);
                result = await work(new Progress<int>(done => task.Value = Math.Max(task.Value, done)));
                task.Value = total;
            });
        return result;
    }
}
