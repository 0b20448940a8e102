using System.CommandLine;
using Finsam.Client.Running;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Finsam.Client.Output;
using Finsam.Core.Analysis;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary>
/// <c>finsam throughput FILE --insats ID</c>: what a planner asks of one insats — intake and exits per month,
/// occupancy, queue, waits — and, with <c>--max-wait</c>, the places needed to keep the P90 wait within a limit.
/// </summary>
public static class ThroughputCommand
{
    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var file = CommonOptions.ScenarioFile();
        var insats = new Option<string>("--insats", "-i") { Description = "Id of the individual insats to ask about.", Required = true };
        var capacity = new Option<int?>("--capacity", "-c")
        {
            Description = "What if the insats had this many places every month it runs (whatever its budget buys; money is booked as the scenario says).",
            Validators = { r => { if (CommonOptions.ValueOrNull<int?>(r) is < 0) r.AddError("--capacity must be 0 or more places"); } },
        };
        var maxWait = new Option<double?>("--max-wait", "-w")
        {
            Description = "Also find the smallest number of places that keeps the 90th percentile of the wait at or under this many months " +
                          "(every capacity tried with the same seed).",
            Validators = { r => { if (CommonOptions.ValueOrNull<double?>(r) is < 0) r.AddError("--max-wait must be 0 or more months"); } },
        };
        var from = new Option<string?>("--from") { Description = "First month (YYYY-MM) of the window the monthly averages cover (default: the horizon's start).", Validators = { Month } };
        var to = new Option<string?>("--to") { Description = "Last month (YYYY-MM) of the window (default: the horizon's end).", Validators = { Month } };
        var variant = CommonOptions.Variant();
        var replicates = CommonOptions.Replicates();
        var seed = CommonOptions.Seed();
        var outDir = new Option<DirectoryInfo?>("--out", "-o") { Description = "Write throughput.json (and capacity.json with --max-wait) into this folder." };
        var cmd = new Command("throughput",
            "For planners: expected admissions and exits per month, occupancy, queue length and waits (P50, P90) of one insats, " +
            "optionally with another number of places, and the places needed to keep the P90 wait under a limit.")
        {
            file, insats, capacity, maxWait, from, to, variant, replicates, seed, outDir,
        };
        backends.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            OutputCheck.ForFolder(parse.GetValue(outDir));
            var path = parse.GetValue(file)!;
            var (source, problems) = ValidateCommand.Check(path.FullName, path.ToString());
            if (problems.Count > 0) { DiagnosticPrinter.Write(console, problems, source); return ValidateCommand.InvalidScenario; }
            Scenario scenario;
            try { scenario = ScenarioLoader.Load(source!, parse.GetValue(variant)); }
            catch (ScenarioException e) { DiagnosticPrinter.Write(console, e.Diagnostics, source); return ValidateCommand.InvalidScenario; }

            var id = parse.GetValue(insats)!;
            var individual = scenario.Insatser.Where(i => i.Kind == InsatsKind.Individual).Select(i => i.Id).ToList();
            if (!individual.Contains(id))
            {
                console.MarkupLineInterpolated($"[red]error[/]: '{id}' is not an individual insats of {scenario.Name}; choose one of: {string.Join(", ", individual)}");
                return ExitCodes.BadInput;
            }
            YearMonth? a = parse.GetValue(from) is { } f && YearMonth.TryParse(f, out var fa) ? fa : null;
            YearMonth? b = parse.GetValue(to) is { } t && YearMonth.TryParse(t, out var tb) ? tb : null;
            if ((a is { } x && (x < scenario.Start || x > scenario.End)) || (b is { } y && (y < scenario.Start || y > scenario.End)) || (a is { } p && b is { } q && p > q))
            {
                console.MarkupLineInterpolated($"[red]error[/]: --from/--to must lie within the horizon {scenario.Start}…{scenario.End}, in order.");
                return ExitCodes.BadInput;
            }
            var options = new RunOptions { Replicates = parse.GetValue(replicates), Seed = parse.GetValue(seed) };
            var total = options.Replicates ?? scenario.Replicates;
            if (WorkBudget.CheckRuns(scenario, total, Throughput.MostRuns(scenario, parse.GetValue(maxWait) is not null), "throughput") is { } over) throw new UsageException(over);
            var places = parse.GetValue(capacity);
            await using var runner = backends.CreateForAnalysis(parse);
            try
            {
                var result = await ProgressBars.Run(console, add =>
                    Throughput.RunAsync(scenario, id, places, options, a, b, runner, add($"{id}{(places is { } c ? $" at {c} places" : "")}: {total} replicates", total), ct));
                Write(console, result);
                CapacityResult? required = null;
                if (parse.GetValue(maxWait) is { } limit)
                {
                    required = await ProgressBars.Run(console, add => Throughput.RequiredCapacityAsync(scenario, id, limit, options, runner,
                        n => add(n == Throughput.Unlimited ? $"{id}: no limit on places" : $"{id}: {n} places", total), null, ct));
                    Write(console, required);
                }
                if (parse.GetValue(outDir) is { } dir)
                {
                    Directory.CreateDirectory(dir.FullName);
                    await File.WriteAllTextAsync(Path.Combine(dir.FullName, "throughput.json"), JsonSerializer.Serialize(result, ResultWriter.Json) + "\n", CancellationToken.None);
                    if (required is not null)
                        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "capacity.json"), JsonSerializer.Serialize(required, ResultWriter.Json) + "\n", CancellationToken.None);
                    console.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(dir.ToString(), "throughput.json")}[/]{(required is null ? "" : " and capacity.json")}.");
                }
                return 0;
            }
            catch (OperationCanceledException)
            {
                console.MarkupLine("[yellow]Cancelled.[/]");
                return 130;
            }
        });
        return cmd;
    }

    public static void Write(IAnsiConsole console, ThroughputResult r)
    {
        console.Write(new Rule($"[bold]{Markup.Escape(r.Name)}[/] ({Markup.Escape(r.Insats)}){(r.CapacityOverride is { } c ? $" · [yellow]{c} places[/]" : "")}").LeftJustified());
        console.MarkupLineInterpolated($"[grey]{r.From} – {r.To} ({r.WindowMonths} months) · {r.Replicates} replicates · seed {r.Seed} · per-month figures are averages over the window; mean and 90 % interval[/]");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("Per month", "Expected", "90 % interval");
        t.Columns[1].RightAligned(); t.Columns[2].RightAligned();
        void Row(string label, Stat s, string unit = "people") => t.AddRow(Markup.Escape(label), Format.Value(s.Mean, unit), Format.Interval(s, unit));
        Row("Places", r.Capacity);
        Row("People joining the queue (referred or chained)", r.JoinedPerMonth);
        Row("Admissions", r.AdmissionsPerMonth);
        Row("Exits (planned and unplanned)", r.ExitsPerMonth);
        Row("Participants (occupancy)", r.Occupancy);
        Row("Waiting in the queue", r.Queue);
        Row("Giving up while waiting", r.GaveUpPerMonth);
        console.Write(t);
        var w = new Table().Border(TableBorder.Rounded).AddColumns("Wait for admission (all admissions in the horizon)", "All replicates together", "Spread over replicates (90 %)");
        w.Columns[1].RightAligned(); w.Columns[2].RightAligned();
        w.AddRow("Share not admitted in the month they joined", r.ProbabilityOfWaiting is { } pw ? Format.Value(pw, "share") : "–", "");
        w.AddRow("Mean wait", r.PooledMeanWait is { } mw ? Format.Value(mw, "months") : "–", Format.Interval(r.MeanWait, "months"));
        w.AddRow("Median wait (P50)", r.PooledWaitP50 is { } p50 ? Format.Value(p50, "months") : "–", Format.Interval(r.WaitP50, "months"));
        w.AddRow("90th percentile (P90)", r.PooledWaitP90 is { } p90 ? Format.Value(p90, "months") : "–", Format.Interval(r.WaitP90, "months"));
        console.Write(w);

        var first = r.Monthly.SkipWhile(m => string.CompareOrdinal(m.Month, r.From) < 0).Take(12).ToList();
        var months = new Table().Border(TableBorder.Rounded).Title($"[bold]The first {first.Count} months of the window (means)[/]")
            .AddColumns("Month", "Places", "Joining", "Admitted", "Exits", "Participants", "Queue");
        for (var k = 1; k < 7; k++) months.Columns[k].RightAligned();
        foreach (var m in first)
            months.AddRow(m.Month, N(m.Capacity), N(m.Joined), N(m.Admissions), N(m.Exits), N(m.Occupancy), N(m.Queue));
        console.Write(months);
        console.MarkupLineInterpolated($"In these {first.Count} months the insats takes in about [bold]{N(first.Sum(m => m.Admissions))}[/] people; about {N(first.Sum(m => m.Joined))} join its queue.");
    }

    public static void Write(IAnsiConsole console, CapacityResult c)
    {
        console.WriteLine();
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]Capacities tried for {Markup.Escape(c.Name)} (same seed)[/]")
            .AddColumns("Places", "Wait P90", "Mean wait", "Not admitted at once", "Admissions / month", "Queue", $"P90 ≤ {N(c.MaxP90WaitMonths)} mo");
        for (var k = 0; k < 6; k++) t.Columns[k].RightAligned();
        foreach (var x in c.Trials)
            t.AddRow(x.Places.ToString(CultureInfo.InvariantCulture), x.WaitP90 is { } p ? Format.Value(p, "months") : "–", x.MeanWait is { } m ? Format.Value(m, "months") : "–",
                x.ProbabilityOfWaiting is { } pw ? Format.Value(pw, "share") : "–", N(x.AdmissionsPerMonth), N(x.Queue), x.Meets ? "[green]yes[/]" : "[red]no[/]");
        console.Write(t);
        if (c.Places is { } n)
            console.MarkupLineInterpolated($"[bold]{n} places[/] is the smallest capacity that keeps the P90 wait for {c.Name} at or under {N(c.MaxP90WaitMonths)} months (P90 {N(c.AtRequired!.WaitP90 ?? 0)} months there). With no limit on places the peak occupancy is {c.UnlimitedPeakOccupancy}.");
        else
            console.MarkupLineInterpolated($"[red]No capacity is enough:[/] {c.Note}");
    }

    private static string N(double v) => Format.Count(Math.Round(v, 1));

    private static void Month(OptionResult r)
    {
        if (CommonOptions.ValueOrNull<string?>(r) is { } v && !YearMonth.TryParse(v, out _)) r.AddError($"{r.Option.Name} must be a month as YYYY-MM, not '{v}'");
    }
}
