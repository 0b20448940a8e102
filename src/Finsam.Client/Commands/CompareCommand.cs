using System.CommandLine;
using Finsam.Client.Output;
using Finsam.Client.Running;
using Finsam.Core.Analysis;
using Finsam.Core.Loading;
using Finsam.Core.Simulation;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary>
/// <c>finsam compare A.yaml [B.yaml] [--variants v1,v2]</c>: runs each alternative with the same seed and shows
/// them side by side, with paired differences against the first and who pays and who gains.
/// </summary>
public static class CompareCommand
{
    public const string BaseName = "base";

    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var fileA = new Argument<FileInfo>("file") { Description = "Scenario file (YAML). Its base scenario is the first alternative, the one the others are compared with." };
        var fileB = new Argument<FileInfo?>("other")
        {
            Description = "Optional second scenario file, compared with the first as a whole.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var variants = new Option<string?>("--variants", "-V")
        {
            Description = "Comma-separated variants of FILE to compare, e.g. process-first,coach-2fte. The base scenario comes first " +
                          $"unless the list names '{BaseName}' somewhere else. Without this option and without OTHER, every variant of FILE is compared with its base.",
        };
        var replicates = CommonOptions.Replicates();
        var seed = CommonOptions.Seed();
        var outDir = new Option<DirectoryInfo?>("--out", "-o") { Description = "Write comparison.json, comparison.csv and comparison.html (the comparison page, in Swedish) into this folder." };
        var cmd = new Command("compare",
            "Compare funding or capacity alternatives side by side: each headline figure with its 90 % interval, the difference against the " +
            "first alternative with its interval, the probability that an alternative beats the first, and what each party pays and gains. " +
            "All alternatives run with the same seed, so replicate k of each shares its random numbers and differences are paired.")
        {
            fileA, fileB, variants, replicates, seed, outDir,
        };
        backends.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            OutputCheck.ForFolder(parse.GetValue(outDir));
            var a = parse.GetValue(fileA)!;
            var b = parse.GetValue(fileB);
            var plan = Plan(console, a, b, parse.GetValue(variants));
            if (plan is null) return ValidateCommand.InvalidScenario;
            if (plan.Count < 2)
            {
                console.MarkupLine("[red]error[/]: compare needs at least two alternatives: give a second file, or --variants, or a scenario with variants.");
                return ExitCodes.BadInput;
            }
            var first = plan[0].Scenario;
            var options = new RunOptions { Replicates = parse.GetValue(replicates) ?? first.Replicates, Seed = parse.GetValue(seed) ?? first.Seed };
            // Every alternative runs the same replicates: the work of all of them together must fit the budget.
            if (WorkBudget.CheckRuns(plan.Select(p => (p.Scenario, 1L)), options.Replicates!.Value, "compare") is { } over) throw new UsageException(over);
            await using var runner = backends.Create(parse);
            try
            {
                var summaries = await ProgressBars.Run(console, async add =>
                {
                    var list = new List<Alternative>();
                    foreach (var alt in plan)
                    {
                        var summary = (await runner.SummariseAsync(new RunJob(alt.Source, alt.Variant, options), add($"{alt.Name}: {options.Replicates} replicates", options.Replicates!.Value), ct)).Summary;
                        list.Add(new Alternative(alt.Name, alt.Description, summary));
                    }
                    return list;
                });
                var result = Comparison.Compare(summaries);
                ComparisonTable.Write(console, result);
                if (parse.GetValue(outDir) is { } dir)
                {
                    ComparisonWriter.Write(result, dir.FullName);
                    // The comparison page (Swedish), alternatives as rows like the terminal's.
                    var page = Path.Combine(dir.FullName, "comparison.html");
                    File.WriteAllText(page + ".partial", Finsam.Report.ReportBuilder.BuildComparison(result), new System.Text.UTF8Encoding(false));
                    File.Move(page + ".partial", page, overwrite: true);
                    console.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(dir.ToString(), "comparison.json")}[/], comparison.csv and comparison.html.");
                }
                return 0;
            }
            catch (OperationCanceledException)
            {
                console.MarkupLine("[yellow]Cancelled.[/] Nothing was written.");
                return 130;
            }
        });
        return cmd;
    }

    public sealed record Planned(string Name, string? Description, ScenarioSource Source, string? Variant, Core.Scenarios.Scenario Scenario);

    /// <summary>The alternatives in order, each loaded once to check it; null (after printing the problems) when one is invalid.</summary>
    public static List<Planned>? Plan(IAnsiConsole console, FileInfo a, FileInfo? b, string? variantList)
    {
        var wanted = new List<(FileInfo File, string? Variant)>();
        var names = (variantList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (names.Count > 0)
        {
            if (!names.Contains(BaseName)) names.Insert(0, BaseName);
            wanted.AddRange(names.Select(n => (a, n == BaseName ? null : (string?)n)));
        }
        else
        {
            wanted.Add((a, null));
            if (b is null)
            {
                // Every variant of A against its base.
                var (source, problems) = ValidateCommand.Check(a.FullName, a.ToString());
                if (problems.Count > 0) { DiagnosticPrinter.Write(console, problems, source); return null; }
                wanted.AddRange(ScenarioLoader.Load(source!).Variants.Select(v => (a, (string?)v.Name)));
            }
        }
        if (b is not null) wanted.Add((b, null));

        var plan = new List<Planned>();
        foreach (var (file, variant) in wanted)
        {
            if (!file.Exists && !Directory.Exists(file.FullName))
            {
                DiagnosticPrinter.Write(console, [new Diagnostic(new SourcePos(file.ToString(), 0, 0), "", "file not found")], null);
                return null;
            }
            var source = ScenarioSource.FromFile(file.FullName);
            Core.Scenarios.Scenario scenario;
            try
            {
                scenario = ScenarioLoader.Load(source, variant);
            }
            catch (ScenarioException e)
            {
                DiagnosticPrinter.Write(console, e.Diagnostics, source);
                return null;
            }
            var name = variant ?? (b is null ? BaseName : Path.GetFileNameWithoutExtension(file.Name));
            while (plan.Any(p => p.Name == name)) name += "′";
            var description = variant is null ? scenario.Name : scenario.Variants.FirstOrDefault(v => v.Name == variant)?.Description;
            plan.Add(new Planned(name, description, source, variant, scenario));
        }
        return plan;
    }
}
