using System.Globalization;
using Finsam.Core.Analysis;
using Finsam.Core.Economics;
using Finsam.Core.Results;
using Spectre.Console;

namespace Finsam.Client.Output;

/// <summary>The board's tables in the terminal: the socio-economic account per sector and which inputs explain the spread.</summary>
public static class BoardTables
{
    public static void Write(IAnsiConsole console, RunSummary s)
    {
        if (s.Economics is { } e) WriteAccount(console, e);
        if (s.Sensitivity is { } sens) WriteSensitivity(console, sens);
    }

    public static void WriteAccount(IAnsiConsole console, SocioEconomicAccount e)
    {
        var rate = (e.DiscountRate * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var t = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]Socio-economic account against the counterfactual · {e.PriceYear} prices · discounted {rate} %/year[/]");
        t.AddColumn("Sector");
        t.AddColumn(new TableColumn("Value of changed situations, horizon").RightAligned());
        t.AddColumn(new TableColumn("Share of förbund cost").RightAligned());
        t.AddColumn(new TableColumn("Net, horizon").RightAligned());
        t.AddColumn(new TableColumn($"Net with {e.FollowUpYears} follow-up years").RightAligned());
        foreach (var x in e.Sectors)
        {
            var name = x.Sector == SocioEconomics.Society ? "[bold]Society as a whole[/]" : Markup.Escape(Sector(x.Sector));
            t.AddRow(name, Cell(x.Gain), Cell(x.Cost), Cell(x.Net), Cell(x.NetFollowUp));
        }
        console.Write(t);
        var payback = e.PaybackMonths is { } pm
            ? $"{Format.Value(pm.P50, "months")} median among the {Pct(e.PaybackShare)} of replicates that pay back (90 % interval {Format.Value(pm.P5, "months")} – {Format.Value(pm.P95, "months")})"
            : "not within the horizon and follow-up in any replicate";
        console.MarkupLineInterpolated($"Förbund spending and staff in kind: [bold]{Format.WithInterval(e.ForbundSpend, "SEK")}[/]. Cost per person reaching work or studies: [bold]{Format.WithInterval(e.CostPerWorkOrStudies, "SEK")}[/].");
        console.MarkupLineInterpolated($"Payback time for society: [bold]{payback}[/].");
        console.MarkupLine("[grey]Positive = the sector gains. Values are assumptions of the valuation catalog " + Markup.Escape($"{e.CatalogFile}") +
            "; after the horizon people keep their horizon-end state (an assumption). Society = sum of the sectors: transfers and taxes cancel.[/]");
        console.WriteLine();
    }

    public static void WriteSensitivity(IAnsiConsole console, SensitivityResult sens, int top = 3)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]Which uncertain input explains the spread (first-order variance shares, {sens.Replicates} replicates)[/]");
        t.AddColumn("Figure");
        t.AddColumn("Inputs explaining most of its variance");
        t.AddColumn(new TableColumn("Rest").RightAligned());
        foreach (var f in sens.Figures)
        {
            var inputs = f.Shares.Count == 0 ? "[grey]no input's effect can be told from chance[/]"
                : string.Join("\n", f.Shares.Take(top).Select(x => $"{Pct(x.Share),5}  {Markup.Escape(x.Input)}"))
                  + (f.Shares.Count > top ? $"\n[grey]+{f.Shares.Count - top} more, {Pct(f.Shares.Skip(top).Sum(x => x.Share))}[/]" : "");
            t.AddRow(Markup.Escape(f.Label), inputs, Pct(f.Unexplained));
        }
        console.Write(t);
        console.MarkupLine("[grey]Rest = interactions and each person's own chance. Inputs whose effect cannot be told from chance (F test, 5 % false discovery rate) count as 0; shares sum to at most 100 %.[/]");
        console.WriteLine();
    }

    private static string Sector(string key) => key switch
    {
        "stat" => "State (incl. FK and AF)", "region" => "Region", "kommun" => "Kommun", "individual" => "The individuals", _ => key,
    };

    private static string Cell(Stat s) => $"{Format.Sek(s.Mean)}\n[grey]{Markup.Escape(ComparisonTable.Range(s.P5, s.P95, "SEK", signed: true))}[/]";

    private static string Pct(double v) => (v * 100).ToString("0", CultureInfo.InvariantCulture) + " %";
}
