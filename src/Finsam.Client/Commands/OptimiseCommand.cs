using System.CommandLine;
using System.Globalization;
using Finsam.Client.Output;
using Finsam.Client.Running;
using Finsam.Core.Analysis;
using Finsam.Core.Loading;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary>
/// <c>finsam optimise FILE --objective FIGURE [--budget AMOUNT] [--over PATH=RANGE …]</c>: the best budget split or
/// capacity for one figure within a budget (docs/optimise.md).
/// </summary>
public static class OptimiseCommand
{
    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var file = CommonOptions.ScenarioFile();
        var objective = new Option<string>("--objective")
        {
            Description = "The figure to make best: a headline key (work_or_studies, self_sufficient_12m, served, mean_wait_months, …) or, with an economics: section, " +
                          "a socio-economic one (society_net_follow_up, kommun_net, payback_months, …). Its better direction is the one compare uses.",
            Required = true,
        };
        var direction = new Option<string?>("--direction") { Description = "'higher' or 'lower': which way is better, for a figure without a direction of its own (e.g. spend)." };
        direction.AcceptOnlyFromAmong("higher", "lower");
        var budget = new Option<double?>("--budget")
        {
            Description = "The most money a candidate may have over the horizon (equity + contributions), in kronor: 24000000, 24_000_000, 24M or 24000k. " +
                          "Default: the plan's. A candidate over it is not run; a variant over it is shown but not counted.",
            CustomParser = r => ParseAmount(r),
        };
        var over = new Option<string[]>("--over")
        {
            Description = "A dimension to search, PATH=RANGE; repeat for more. RANGE: LOW..HIGH (ten steps), LOW..HIGH:STEP, or a,b,c. " +
                          "budget.years[2017].shares.LINE=0%..100%:5% sets that line's share of 2017 (the other lines share the rest as in the plan); " +
                          "budget.years[*].… sets every year alike; budget.years[2017].total=5e6..12e6; insatser[ID].capacity.fte=1..6 or .places=5..30; " +
                          "any other variant path gets a plain number. Default: each year's split, 0–100 % in steps of 5 %.",
            AllowMultipleArgumentsPerToken = false,
        };
        var variant = new Option<string?>("--variant", "-v") { Description = "Take this variant of FILE as the plan (default: the base scenario)." };
        var variants = new Option<string?>("--variants", "-V") { Description = "Comma-separated hand-written variants to show next to the result, or 'none'. Default: every variant of FILE." };
        var replicates = CommonOptions.Replicates();
        replicates.Description = $"Replicates of the final run of the best few, the plan and the variants, 1 to {WorkBudget.MaxReplicates} (default: the scenario's).";
        var seed = CommonOptions.Seed();
        seed.Description = "Seed of the final run (default: the scenario's), so its figures match 'finsam compare' with the same seed.";
        var searchReplicates = new Option<int?>("--search-replicates")
        {
            Description = "Replicates per candidate during the search (default: 40, or the scenario's if fewer). All candidates share them (common random numbers).",
            CustomParser = r => CommonOptions.ParseCount(r, WorkBudget.MaxReplicates),
        };
        var searchSeed = new Option<ulong?>("--search-seed") { Description = "Seed of the search (default: the final seed + 1; it must differ from it)." };
        var maxCandidates = new Option<int?>("--max-candidates")
        {
            Description = $"Most candidates the search may try (default {Optimiser.DefaultMaxCandidates}, at most {Optimiser.MaxCandidates}). " +
                          $"Candidates × replicates of both stages may not exceed {Optimiser.MaxReplicateRuns:N0} replicate runs.",
            CustomParser = r => CommonOptions.ParseCount(r, Optimiser.MaxCandidates),
        };
        var top = new Option<int?>("--top") { Description = "How many of the best to run again on the final replicates (default 5, at most 20).", CustomParser = r => CommonOptions.ParseCount(r, 20) };
        var outDir = new Option<DirectoryInfo?>("--out", "-o") { Description = "Write optimise.json, optimise_candidates.csv, optimise_final.csv, comparison.json/.csv and optimise.html (the board page, Swedish) into this folder." };
        var lang = new Option<string?>("--lang") { Description = "Language of optimise.html: sv (default) or en." };
        lang.AcceptOnlyFromAmong("sv", "en");
        var cmd = new Command("optimise",
            "Search budget splits and capacities for the best expected value of one figure within a budget. Every candidate is a variant of the plan run " +
            "with the same seed (common random numbers), so candidates differ by their settings, not by chance. One or two dimensions: the whole grid; " +
            "more: a coarse grid, then a pattern search. The best few, the plan and the hand-written variants are then run again on other replicates: " +
            "their figures with 90 % intervals, the paired difference and P(better than the plan), and the frontier of cost against outcome.")
        {
            file, objective, direction, budget, over, variant, variants, replicates, seed, searchReplicates, searchSeed, maxCandidates, top, outDir, lang,
        };
        cmd.Aliases.Add("optimize");
        backends.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            OutputCheck.ForFolder(parse.GetValue(outDir));
            var path = parse.GetValue(file)!;
            var (source, missing) = CommonOptions.ReadSource(path, null);
            if (missing is not null)
            {
                DiagnosticPrinter.Write(console, [missing], null);
                return ValidateCommand.InvalidScenario;
            }
            await using var runner = backends.CreateForAnalysis(parse);
            var referenceList = parse.GetValue(variants);
            var request = new OptimiseRequest
            {
                Source = source!,
                Variant = parse.GetValue(variant),
                Objective = parse.GetValue(objective)!,
                Direction = parse.GetValue(direction) switch { "higher" => Better.Higher, "lower" => Better.Lower, _ => null },
                Budget = parse.GetValue(budget),
                Over = parse.GetValue(over) ?? [],
                References = referenceList is null ? null : referenceList.Trim() == "none" ? []
                    : referenceList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Replicates = parse.GetValue(replicates),
                Seed = parse.GetValue(seed),
                SearchReplicates = parse.GetValue(searchReplicates),
                SearchSeed = parse.GetValue(searchSeed),
                MaxCandidates = parse.GetValue(maxCandidates) ?? Optimiser.DefaultMaxCandidates,
                Top = parse.GetValue(top) ?? 5,
                // Each run already uses every core in this process; a cluster takes several candidates at once.
                Parallel = runner is InProcessBackend ? 1 : 4,
            };
            OptimisePlan plan;
            try
            {
                plan = Optimiser.Prepare(request);
            }
            catch (ScenarioException e)
            {
                DiagnosticPrinter.Write(console, e.Diagnostics, source);
                return ValidateCommand.InvalidScenario;
            }
            catch (OptimiseSpecException e)
            {
                throw new UsageException(e.Message);
            }
            console.MarkupLineInterpolated($"Optimising [bold]{path}[/] for [bold]{plan.Objective.Key}[/] over {plan.Dimensions.Count} dimension(s) on the {runner.Description}: at most {request.MaxCandidates} candidates × {plan.SearchReplicates} replicates, then {plan.Replicates} replicates for the best {request.Top} and {plan.References.Count + 1} alternatives.");
            OptimiseResult result;
            try
            {
                result = await Progress(console, progress => Optimiser.RunAsync(plan, runner, progress, ct));
            }
            catch (OperationCanceledException)
            {
                console.MarkupLine("[yellow]Cancelled.[/] Nothing was written.");
                return ExitCodes.Cancelled;
            }
            OptimiseTable.Write(console, result);
            if (parse.GetValue(outDir) is { } dir)
            {
                OptimiseWriter.Write(result, dir.FullName);
                var page = Path.Combine(dir.FullName, "optimise.html");
                var language = parse.GetValue(lang) == "en" ? Finsam.Report.ReportLanguage.En : Finsam.Report.ReportLanguage.Sv;
                var html = await ProgressBars.Status(console, "Drawing the page's charts …", () => Task.FromResult(Finsam.Report.ReportBuilder.BuildOptimise(result, language)));
                File.WriteAllText(page + ".partial", html, new System.Text.UTF8Encoding(false));
                File.Move(page + ".partial", page, overwrite: true);
                console.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(dir.ToString(), "optimise.json")}[/], optimise_candidates.csv, optimise_final.csv, comparison.json, comparison.csv and optimise.html.");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Two bars, the search and the final run, with the best so far under the search's.</summary>
    private static async Task<T> Progress<T>(IAnsiConsole console, Func<IProgress<OptimiseProgress>, Task<T>> work)
    {
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var search = ctx.AddTask("search");
                var final = ctx.AddTask("final run", autoStart: false);
                result = await work(new Reporter(p =>
                {
                    var task = p.Stage == "search" ? search : final;
                    if (p.Stage != "search")
                    {
                        search.Value = search.MaxValue;
                        if (!final.IsStarted) final.StartTask();
                    }
                    task.MaxValue = Math.Max(1, p.PlannedReplicateRuns);
                    task.Value = p.ReplicateRuns;
                    task.Description = Markup.Escape(p.Stage == "search"
                        ? $"search: {p.Runs} runs{(p.Best is null ? "" : $"; best so far {Shorten(p.Best)}")}"
                        : $"final run: {p.Runs} of {p.PlannedRuns} alternatives");
                }));
                search.Value = search.MaxValue;
                final.Value = final.MaxValue;
            });
        return result;
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..59] + "…";

    /// <summary>Reports at once, on the caller's thread (a Progress&lt;T&gt; would post to the thread pool and lag behind).</summary>
    private sealed class Reporter(Action<OptimiseProgress> action) : IProgress<OptimiseProgress>
    {
        private readonly Lock _gate = new();

        public void Report(OptimiseProgress value)
        {
            lock (_gate) action(value);
        }
    }

    /// <summary>Kronor: a number (underscores allowed), or with k or M (24M = 24 000 000).</summary>
    private static double? ParseAmount(System.CommandLine.Parsing.ArgumentResult r)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value.Trim().Replace("_", "", StringComparison.Ordinal) : "";
        var factor = 1.0;
        if (text.EndsWith('M') || text.EndsWith('m')) { factor = 1e6; text = text[..^1]; }
        else if (text.EndsWith('k') || text.EndsWith('K')) { factor = 1e3; text = text[..^1]; }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0 && v * factor <= WorkBudget.MaxAmount)
            return v * factor;
        r.AddError($"--budget must be an amount of kronor such as 24000000, 24_000_000 or 24M, not '{(r.Tokens.Count > 0 ? r.Tokens[^1].Value : "")}'");
        return null;
    }
}
