using System.CommandLine;
using Finsam.Client.Running;
using System.Globalization;
using System.Text;
using Finsam.Client.Output;
using Finsam.Core.Calibration;
using Finsam.Core.Loading;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary>
/// <c>finsam backtest FILE</c>: holds out each insats with recorded start and exit occupations in turn,
/// fits the shared exit model on the others, forecasts the held-out one's exits and scores it against
/// three baselines.
/// </summary>
public static class BacktestCommand
{
    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var file = CommonOptions.ScenarioFile();
        file.Arity = ArgumentArity.ZeroOrOne;   // not needed with --library
        var library = LibraryBacktestCommand.LibraryOption();
        var insatsOut = LibraryBacktestCommand.InsatsOutOption();
        var variant = CommonOptions.Variant();
        var replicates = new Option<int>("--replicates", "-n") { Description = "Replicates per held-out forecast.", DefaultValueFactory = _ => 200, CustomParser = r => CommonOptions.ParseCount(r, Core.Loading.WorkBudget.MaxReplicates) ?? 0 };
        var seed = CommonOptions.Seed();
        var strength = new Option<double>("--prior-strength")
        {
            Description = "Pseudo-exits per start row pulling it towards the pooled exit mix of the other insatser.",
            DefaultValueFactory = _ => 10,
        };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the tables as Markdown to this file." };
        var cmd = new Command("backtest",
            "Out-of-sample validation of exit forecasts: hold out each insats with recorded start and exit occupations, fit the shared " +
            "start → exit model on the others, forecast the held-out one through the engine and score it (total variation distance, " +
            "log score, 90 % interval coverage) against exit = start, the pooled exits of the others, and its own stated goal.")
        {
            file, variant, replicates, seed, strength, markdown, library, insatsOut,
        };
        backends.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            OutputCheck.ForFile(parse.GetValue(markdown), "--markdown");
            if (parse.GetValue(library) is { } evidence)
                return await LibraryBacktestCommand.RunAsync(console, evidence, parse.GetValue(insatsOut), parse.GetValue(seed), parse.GetValue(markdown), ct);
            if (parse.GetValue(file) is not { } path)
            {
                console.MarkupLine("[red]error[/]: give a scenario FILE, or --library EVIDENCE for the evidence-library backtest");
                return ValidateCommand.InvalidScenario;
            }
            var (read, missing) = CommonOptions.ReadSource(path, null);
            if (missing is not null)
            {
                DiagnosticPrinter.Write(console, [missing], null);
                return ValidateCommand.InvalidScenario;
            }
            Core.Scenarios.Scenario scenario;
            try
            {
                scenario = ScenarioLoader.Load(read!, parse.GetValue(variant));
            }
            catch (ScenarioException e)
            {
                DiagnosticPrinter.Write(console, e.Diagnostics, read);
                return ValidateCommand.InvalidScenario;
            }
            await using var runner = backends.CreateForAnalysis(parse);
            var options = new BacktestOptions
            {
                Runner = runner,
                Replicates = Math.Max(1, parse.GetValue(replicates)),
                Seed = parse.GetValue(seed),
                PriorStrength = Math.Max(0, parse.GetValue(strength)),
                Progress = new Progress<string>(m => console.MarkupLineInterpolated($"[grey]  {m}[/]")),
            };
            BacktestResult result;
            try
            {
                result = await Backtest.RunAsync(scenario, options, ct);
            }
            catch (InvalidOperationException e)
            {
                console.MarkupLineInterpolated($"[red]Cannot backtest:[/] {e.Message}");
                return 1;
            }
            Write(console, result);
            if (parse.GetValue(markdown) is { } md)
            {
                await File.WriteAllTextAsync(md.FullName, Markdown(result), ct);
                console.MarkupLineInterpolated($"Wrote [bold]{md}[/].");
            }
            return 0;
        });
        return cmd;
    }

    private static readonly string[] Methods = ["Finsam", "(a) exit = start", "(b) pooled others", "(c) own goal"];

    private static IEnumerable<MethodScore> Scores(BacktestRow r) => [r.Finsam, r.StartAsExit, r.Pooled, r.Goal];

    public static void Write(IAnsiConsole console, BacktestResult result)
    {
        foreach (var (title, pick, lowerIsBetter) in Metrics())
        {
            var t = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/]");
            t.AddColumn("Held out");
            t.AddColumn(new TableColumn("Exits").RightAligned());
            foreach (var m in Methods) t.AddColumn(new TableColumn(Markup.Escape(m)).RightAligned());
            foreach (var row in result.Rows)
            {
                var values = Scores(row).Select(pick).ToList();
                var best = Best(values, lowerIsBetter);
                t.AddRow([Markup.Escape(row.Insats), Num(row.Exits), .. values.Select((v, k) => v is null ? "[grey]n/a[/]" : k == best ? $"[bold green]{v}[/]" : v)]);
            }
            var means = Enumerable.Range(0, Methods.Length).Select(k => Mean(result.Rows.Select(r => Scores(r).ElementAt(k)), pick)).ToList();
            t.AddRow(["[bold]mean[/]", Num(result.Rows.Sum(r => r.Exits)), .. means.Select(m => m ?? "[grey]n/a[/]")]);
            console.Write(t);
        }
        foreach (var row in result.Rows.Where(r => r.Goal.Tvd is not null))
            console.MarkupLineInterpolated($"[grey]Goal of {row.Insats}: {row.GoalText}[/]");
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[grey]{result.Replicates} replicates per held-out forecast, seed {result.Seed}; exit-model prior: {result.PriorStrength} pseudo-exits towards the pooled mix + {result.PriorFloor} spread evenly; coverage over the {result.ScoredCategories.Count} occupations seen at exit in any held-out insats.[/]");
    }

    private static IEnumerable<(string Title, Func<MethodScore, string?> Pick, bool LowerIsBetter)> Metrics() =>
    [
        ("Total variation distance of the exit shares (lower is better)", s => s.Tvd is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : null, true),
        ("Mean log score per exit (higher is better; shares floored at 1e-4)", s => s.LogScore is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : null, false),
        ("90 % interval coverage of the exit shares", s => s.Inside is { } i ? $"{i}/{s.Intervals}" : null, false),
    ];

    private static int Best(List<string?> values, bool lowerIsBetter)
    {
        var parsed = values.Select(v => v is null ? (double?)null : v.Contains('/') ? double.Parse(v.Split('/')[0], CultureInfo.InvariantCulture) / double.Parse(v.Split('/')[1], CultureInfo.InvariantCulture) : double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        var best = -1;
        for (var k = 0; k < parsed.Count; k++)
            if (parsed[k] is { } x && (best < 0 || (lowerIsBetter ? x < parsed[best]! : x > parsed[best]!))) best = k;
        return best;
    }

    private static string? Mean(IEnumerable<MethodScore> scores, Func<MethodScore, string?> pick)
    {
        var list = scores.Where(s => pick(s) is not null).ToList();
        if (list.Count == 0) return null;
        if (list[0].Inside is not null && pick(list[0])!.Contains('/'))
            return $"{list.Sum(s => s.Inside)}/{list.Sum(s => s.Intervals)}";
        var v = list.Average(s => double.Parse(pick(s)!, CultureInfo.InvariantCulture));
        var text = v.ToString(pick(list[0])!.Split('.')[1].Length == 3 ? "0.000" : "0.00", CultureInfo.InvariantCulture);
        return list.Count < 6 ? $"{text} ({list.Count})" : text;
    }

    public static string Markdown(BacktestResult result)
    {
        var sb = new StringBuilder();
        foreach (var (title, pick, _) in Metrics())
        {
            sb.Append("**").Append(title).Append("**\n\n");
            sb.Append("| Held out | Exits | ").Append(string.Join(" | ", Methods)).Append(" |\n");
            sb.Append("|---|---:|").Append(string.Concat(Methods.Select(_ => "---:|"))).Append('\n');
            foreach (var row in result.Rows)
                sb.Append("| ").Append(row.Insats).Append(" | ").Append(Num(row.Exits)).Append(" | ")
                  .Append(string.Join(" | ", Scores(row).Select(s => pick(s) ?? "n/a"))).Append(" |\n");
            var means = Enumerable.Range(0, Methods.Length).Select(k => Mean(result.Rows.Select(r => Scores(r).ElementAt(k)), pick) ?? "n/a");
            sb.Append("| **mean** | ").Append(Num(result.Rows.Sum(r => r.Exits))).Append(" | ").Append(string.Join(" | ", means)).Append(" |\n\n");
        }
        return sb.ToString();
    }

    private static string Num(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
