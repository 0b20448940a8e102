using System.Globalization;
using Finsam.Core.Analysis;
using Finsam.Core.Results;
using Spectre.Console;

namespace Finsam.Client.Output;

/// <summary>An optimisation in the terminal: what was searched, the best few and the variants on the final replicates, the frontier.</summary>
public static class OptimiseTable
{
    public static void Write(IAnsiConsole console, OptimiseResult r)
    {
        var o = r.Objective;
        console.Write(new Rule($"[bold]Optimise[/] · {Markup.Escape(r.Scenario)}").LeftJustified());
        console.MarkupLineInterpolated($"Objective: [bold]{o.Label}[/] ({o.Key}), {(o.Direction == Better.Higher ? "higher" : "lower")} is better");
        console.MarkupLineInterpolated($"Budget: {Format.Sek(r.Budget)} over the horizon{(Math.Abs(r.Budget - r.PlanMoney) < 0.5 ? " (the plan's)" : $" (the plan has {Format.Sek(r.PlanMoney)})")} · plan: {r.Plan}");
        var s = r.Search;
        console.MarkupLineInterpolated($"[grey]Search: {s.Method}, {s.Candidates} candidates × {s.Replicates} replicates (seed {s.Seed}); {s.StopReason}. Final: {r.Replicates} replicates, seed {r.Seed}. {s.ReplicateRuns:N0} replicate runs in all.[/]");
        console.WriteLine();

        var dims = Table("What was searched", ["Dimension", "Path", "Plan", "Values"]);
        foreach (var d in r.Dimensions)
            dims.AddRow(Esc(Optimiser.ShortLabel(d)), Esc(d.Path), d.Plan is { } p ? Esc(Setting(p, d.Unit)) : "–",
                Esc($"{Setting(d.Values[0], d.Unit)} … {Setting(d.Values[^1], d.Unit)} ({d.Values.Count} values)"));
        console.Write(dims);

        var unit = o.Unit;
        // A column per dimension while they are few (a year's split reads as one number), else one column.
        var perColumn = r.Dimensions.Count <= 4;
        // Shares of one line in several years: the year alone heads the column, the line is named in the title.
        var oneLine = r.Dimensions.All(d => d.Kind == "share") && r.Dimensions.Select(d => d.Path[(d.Path.LastIndexOf('.') + 1)..]).Distinct().Count() == 1;
        var shareOf = oneLine ? $" · settings: share of {r.Dimensions[0].Path[(r.Dimensions[0].Path.LastIndexOf('.') + 1)..]}" : "";
        string[] settingColumns = perColumn
            ? r.Dimensions.Select(d => oneLine ? Optimiser.ShortLabel(d).Split(' ')[0] : Optimiser.ShortLabel(d)).ToArray()
            : ["Settings"];
        string[] SettingCells(IReadOnlyList<double>? set) => set is null ? settingColumns.Select(_ => "–").ToArray()
            : perColumn ? r.Dimensions.Select((d, i) => Esc(Setting(set[i], d.Unit))).ToArray()
            : [Esc(string.Join("\n", r.Dimensions.Select((d, i) => $"{Optimiser.ShortLabel(d)} {Setting(set[i], d.Unit)}")))];
        var ordered = r.Confirmed.Where(c => c.Kind != Optimiser.VariantKind).Concat(r.Confirmed.Where(c => c.Kind == Optimiser.VariantKind)).ToList();
        string Name(ConfirmedAlternative c) => (c.Name == r.Best ? $"[green bold]{Esc(c.Name)}[/]" : Esc(c.Name)) + (c.WithinBudget ? "" : "\n[yellow](over budget)[/]");
        var best = Table($"The best {r.Confirmed.Count(c => c.Kind == Optimiser.OptimisedKind)}, the plan and the variants on the final replicates: {o.Label}",
            ["Alternative", "Mean (90 % interval)", $"vs {r.Plan} (paired)", "P(better than plan)", "Spend"]);
        foreach (var c in ordered)
            best.AddRow(Name(c), Esc(Format.Mean(c.Objective, unit) + "\n" + Format.Interval(c.Objective, unit) + (c.Missing > 0 ? $"\n{c.Missing} without a value" : "")),
                c.Kind == Optimiser.PlanKind ? "reference" : Esc(Diff(c.Difference, unit)),
                c.Kind == Optimiser.PlanKind ? "" : c.ProbabilityBetter is { } pb ? Esc(Pct(pb)) : "—",
                Esc(Format.Mean(c.Spend, "SEK")));
        console.Write(best);
        // Where each stands on the dimensions searched (a variant's split is read off the variant; its description says what else it changes).
        var settingsTable = Table(oneLine ? $"Settings: share of {r.Dimensions[0].Path[(r.Dimensions[0].Path.LastIndexOf('.') + 1)..]}" : "Settings", ["Alternative", .. settingColumns]);
        foreach (var c in ordered) settingsTable.AddRow([Name(c), .. SettingCells(c.Settings)]);
        console.Write(settingsTable);
        foreach (var c in r.Confirmed.Where(c => c.Kind == Optimiser.VariantKind && c.Description is not null))
            console.MarkupLineInterpolated($"[grey]  {c.Name}: {c.Description}[/]");
        if (r.Best.Length == 0)
            console.MarkupLineInterpolated($"[yellow]No candidate is within the budget of {Format.Sek(r.Budget)}[/] (the plan has {Format.Sek(r.PlanMoney)}): raise --budget or search the totals with --over budget.years[[*]].total=….");
        if (r.Verdicts.Count > 0)
        {
            var beats = r.Verdicts.Count(v => v.Outcome == "beats");
            var ties = r.Verdicts.Count(v => v.Outcome == "ties");
            var loses = r.Verdicts.Where(v => v.Outcome == "loses").Select(v => v.Variant).ToList();
            console.MarkupLineInterpolated($"{r.Best} against the {r.Verdicts.Count} hand-written variants within the budget: beats {beats}, ties {ties}, loses {loses.Count}{(loses.Count > 0 ? $" ({string.Join(", ", loses)})" : "")}.");
        }
        console.MarkupLine("[grey]P(better than plan) = share of final replicates in which the alternative did strictly better than the plan; ties count for neither; \"—\": no difference in any replicate. The best were picked on the search replicates and are shown on others, so their figures are not flattered by the pick.[/]");
        console.WriteLine();

        var frontier = Table($"Cost against outcome: the frontier on the search replicates ({o.Label}; spend is the förbund's spending on insatser){shareOf}",
            ["Alternative", "Spend", "Mean (90 % interval)", .. settingColumns]);
        foreach (var c in r.Candidates.Where(c => c.OnFrontier).OrderBy(c => c.Spend!.Mean))
            frontier.AddRow([Esc(c.Name), Esc(Format.Mean(c.Spend, "SEK")), Esc(Format.Mean(c.Objective, unit) + "\n" + Format.Interval(c.Objective, unit)), .. SettingCells(c.Settings)]);
        console.Write(frontier);
        console.MarkupLine("[grey]On the frontier: no alternative that spends as little or less does better. Every candidate is in optimise_candidates.csv (--out).[/]");
        if (r.BestVariantYaml.Length > 0)
        {
            console.WriteLine();
            console.MarkupLine($"[grey]The best as a variant, to paste under variants: in {Esc(Path.GetFileName(r.File))}:[/]");
            console.WriteLine(r.BestVariantYaml.TrimEnd('\n'));
        }
    }

    private static Table Table(string title, string[] columns)
    {
        var t = new Table().RoundedBorder().Title($"[bold]{Esc(title)}[/]");
        // The first column names the alternative: it never wraps, so a name is never cut.
        foreach (var (c, i) in columns.Select((c, i) => (c, i))) t.AddColumn(i == 0 ? new TableColumn(Esc(c)).NoWrap() : new TableColumn(Esc(c)));
        return t;
    }

    private static string Setting(double v, string unit) => unit == "SEK" ? Format.Sek(v) : Optimiser.Format(v, unit) + (unit is "%" or "" ? "" : " " + unit);

    private static string Diff(Stat? d, string unit)
    {
        if (d is null) return "–";
        if (unit == "share") return $"{Signed(d.Mean * 100)} pp\n{Signed(d.P5 * 100)} to {Signed(d.P95 * 100)} pp";
        string V(double v) => unit == "percentage points" ? Format.Value(v, unit) : v > 0 ? "+" + Format.Value(v, unit) : v < 0 ? "−" + Format.Value(-v, unit) : Format.Value(v, unit);
        return $"{V(d.Mean)}\n{V(d.P5)} to {V(d.P95)}";
    }

    private static string Signed(double v) => (v > 0 ? "+" : v < 0 ? "−" : "") + Math.Abs(v).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Pct(double p) => (p * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Esc(string s) => Markup.Escape(s);
}
