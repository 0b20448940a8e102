using Finsam.Core.Results;
using Spectre.Console;

namespace Finsam.Client.Output;

/// <summary>The run's findings as terminal tables: headline first, then people, insatser, parties and recorded results.</summary>
public static class TerminalSummary
{
    public static void Write(IAnsiConsole console, RunSummary s)
    {
        var r = s.Run;
        console.Write(new Rule($"[bold]{Markup.Escape(r.Scenario)}[/]{(r.Variant is null ? "" : $" · variant [yellow]{Markup.Escape(r.Variant)}[/]")}{(r.Overlay is null ? "" : $" · overlay [yellow]{Markup.Escape(r.Overlay)}[/]")}").LeftJustified());
        console.MarkupLineInterpolated($"[grey]{r.Start} – {r.End} ({r.Months} months) · {r.Replicates} replicates · seed {r.Seed} · {r.Interval}[/]");
        console.WriteLine();

        var headline = Table("Headline", "Figure", "Forecast", "90 % interval");
        foreach (var f in s.Headline)
            headline.AddRow(Markup.Escape(f.Label), Format.Mean(f.Value, f.Unit), Format.Interval(f.Value, f.Unit));
        console.Write(headline);

        var people = Table($"People in each income state at {r.End}", "Income state", "Paid by", "With the förbund", "90 % interval", "Without");
        foreach (var st in s.IncomeAtHorizon.Where(x => x.People.P95 > 0 || x.Counterfactual.P95 > 0))
            people.AddRow(Markup.Escape(st.State), Markup.Escape(st.Payer), Format.Count(st.People.Mean), Format.Interval(st.People, "people"), Format.Count(st.Counterfactual.Mean));
        console.Write(people);

        var ins = Table("Insatser", "Insats", "Admitted", "Ended", "Occupancy / capacity", "Queue at end", "Mean wait", "Wait P90", "Spend");
        foreach (var i in s.Insatser)
            ins.AddRow(Markup.Escape(i.Name), Format.WithInterval(i.Admitted, "people"), Format.Mean(i.Ended, "people"),
                $"{Format.Count(i.MeanOccupancy.Mean)} / {Format.Count(i.MeanCapacity.Mean)}", Format.Mean(i.QueueAtHorizon, "people"),
                Format.Mean(i.MeanWait, "months"), Format.Mean(i.WaitP90, "months"), Format.Mean(i.Spend, "SEK"));
        console.Write(ins);

        var exits = Table("Exits by destination (planned and unplanned)", "Insats", "Destination", "Exits", "90 % interval");
        foreach (var i in s.Insatser)
            foreach (var e in i.ExitsByOccupation.OrderByDescending(e => e.Value.Mean))
                exits.AddRow(Markup.Escape(i.Name), Markup.Escape(e.Category), Format.Count(e.Value.Mean), Format.Interval(e.Value, "people"));
        if (exits.Rows.Count > 0) console.Write(exits);

        var parties = Table("Who pays and who gains", "Party", "Contribution", "In kind", "Ersättning paid", "Without the förbund", "Difference", "Net (90 % interval)");
        foreach (var p in s.Parties)
            parties.AddRow(Markup.Escape(p.Name), Format.Mean(p.Contribution, "SEK"), Format.Mean(p.InKind, "SEK"), Format.Mean(p.ErsattningPaid, "SEK"),
                Format.Mean(p.CounterfactualPaid, "SEK"), Format.Mean(p.Difference, "SEK"), Format.WithInterval(p.Net, "SEK"));
        foreach (var p in s.Payers.Where(p => p.Paid.P95 > 0 && !s.Parties.Any(x => x.Kind.Equals(p.Id, StringComparison.OrdinalIgnoreCase))))
            parties.AddRow($"[grey]{Markup.Escape(p.Name)}[/]", "", "", Format.Mean(p.Paid, "SEK"), Format.Mean(p.CounterfactualPaid, "SEK"), Format.Mean(p.Difference, "SEK"), "");
        console.Write(parties);
        console.MarkupLine("[grey]Difference = ersättning paid minus what the same people would have been paid without the förbund's insatser (negative = saved). Net = contribution + in kind + difference.[/]");
        console.WriteLine();
        BoardTables.Write(console, s);

        if (s.Recorded is { } rec)
        {
            console.WriteLine();
            var t = Table("Recorded results against the forecast", "Recorded", "Category", "Observed", "Forecast", "90 % interval", "Inside");
            foreach (var c in rec.Checks)
            {
                if (c.Categories is null)
                {
                    var quantity = Markup.Escape(c.Quantity + (c.Subgroup is { } sg1 ? $" ({sg1})" : ""));
                    if (c.Quantity == "mean_stay")
                        t.AddRow(Markup.Escape(c.Id), quantity, Format.Value(c.Observed ?? 0, "months"), Format.Value(c.Forecast!.Mean, "months"), Format.Interval(c.Forecast, "months"), Inside(c.Inside));
                    else
                        t.AddRow(Markup.Escape(c.Id), quantity, Format.Count(c.Observed ?? 0), Format.Count(c.Forecast!.Mean), Format.Interval(c.Forecast, "people"), Inside(c.Inside));
                    continue;
                }
                foreach (var k in c.Categories)
                    t.AddRow(Markup.Escape(c.Id), Markup.Escape(k.Category), Format.Value(k.ObservedShare, "share"), Format.Value(k.ForecastShare.Mean, "share"),
                        Format.Interval(k.ForecastShare, "share"), k.NotCounted is null ? Inside(k.Inside) : "[grey]not counted[/]");
                t.AddRow("", $"[grey]TVD {c.TotalVariationDistance:0.000} · G {(c.GStatistic is { } g ? g.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : "∞")} (df {c.DegreesOfFreedom}, p {c.PValue:0.000})[/]", "", "", "", "");
                if (c.Subgroup is not null || c.NotAccounted is not null)
                    t.AddRow("", $"[grey]{Markup.Escape(string.Join(" · ", new[] { c.Quantity + (c.Subgroup is { } sg ? $", only {sg}" : ""), c.NotAccounted is { } u ? $"{Format.Count(u)} not accounted for (Okänt), left out of both sides" : null }.OfType<string>()))}[/]", "", "", "", "");
            }
            console.Write(t);
            var verdict = rec.Coverage >= 0.8 ? "green" : "red";
            console.MarkupLine($"Interval coverage: [{verdict}]{rec.Inside} of {rec.Total} ({rec.Coverage * 100:0} %)[/] of recorded values lie inside the 90 % forecast interval.");
            if (rec.Checks.Any(c => c.Categories?.Any(k => k.NotCounted is not null) == true))
                console.MarkupLine("[grey]Categories with nothing recorded and nothing forecast (median 0) are shown but not counted.[/]");
            foreach (var c in rec.Checks.Where(c => !c.Inside))
                console.MarkupLineInterpolated($"[red]Outside:[/] {c.Id} ({c.Source})");
        }
    }

    private static string Inside(bool inside) => inside ? "[green]yes[/]" : "[red]no[/]";

    private static Table Table(string title, params string[] columns)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/]");
        foreach (var c in columns) t.AddColumn(new TableColumn(Markup.Escape(c)));
        for (var k = 1; k < columns.Length; k++) t.Columns[k].RightAligned();
        return t;
    }
}
