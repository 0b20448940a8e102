using System.Globalization;
using Finsam.Core.Analysis;
using Finsam.Core.Results;
using Spectre.Console;

namespace Finsam.Client.Output;

/// <summary>A comparison as terminal tables: values side by side, paired differences, and the parties' money.</summary>
public static class ComparisonTable
{
    /// <summary>Alternatives side by side as columns only while they fit; otherwise each alternative is a row.</summary>
    public const int MaxColumns = 3;

    public static void Write(IAnsiConsole console, ComparisonResult c)
    {
        var alts = c.Alternatives;
        var reference = c.Reference;
        console.Write(new Rule($"[bold]Comparison[/] · {alts.Count} alternatives against [yellow]{Markup.Escape(reference)}[/]").LeftJustified());
        foreach (var a in alts)
            console.MarkupLineInterpolated($"  [bold]{a.Name}[/]: {a.Description ?? a.Scenario} [grey]({a.File}{(a.Variant is null ? "" : $", variant {a.Variant}")})[/]");
        console.MarkupLineInterpolated($"[grey]{c.Replicates} replicates · seed {c.Seed} · mean and 90 % interval (P5–P95) · differences paired replicate by replicate (common random numbers)[/]");
        console.WriteLine();

        if (FitsAsColumns(c, console.Profile.Width)) WriteColumns(console, c);
        else WriteRows(console, c);

        console.MarkupLine("[grey]P(better) = share of replicates in which the alternative did strictly better than the reference on that figure; ties count for neither. \"—\": the difference is exactly zero in every replicate.[/]");
        console.MarkupLine("[grey]Net = contribution + staff lent in kind + ersättning paid − what the same people would have been paid without the förbund's insatser. Negative net: the party gains more than it puts in.[/]");
        console.WriteLine();
        foreach (var line in Sentences(c)) console.MarkupLine(line);
    }

    /// <summary>
    /// Columns work for a few alternatives with short names in a wide terminal: a label column of about 34
    /// characters and about 20 per alternative (the widest cell is an interval such as "−4.8 to +11.7 pp").
    /// </summary>
    public static bool FitsAsColumns(ComparisonResult c, int width)
    {
        if (c.Alternatives.Count > MaxColumns) return false;
        var perAlternative = c.Alternatives.Max(a => Math.Max(a.Name.Length, 20)) + 3;
        return 36 + 14 + perAlternative * c.Alternatives.Count <= width;
    }

    private static void WriteColumns(IAnsiConsole console, ComparisonResult c)
    {
        var alts = c.Alternatives;
        var reference = c.Reference;
        var values = Table("Headline figures: mean (90 % interval)", ["Figure", "Better when", .. alts.Select(a => a.Name)]);
        foreach (var f in c.Figures)
            values.AddRow([Markup.Escape(f.Label), Direction(f.Better), .. f.Values.Select(v => Cell(v.Value, f.Unit))]);
        console.Write(values);

        var diffs = Table($"Difference against {reference} (paired) and probability of doing better", ["Figure", .. alts.Skip(1).Select(a => a.Name)]);
        foreach (var f in c.Figures)
            diffs.AddRow([Markup.Escape(f.Label), .. f.Values.Skip(1).Select(v => DiffCell(v, f.Unit, f.Better))]);
        console.Write(diffs);

        var parties = Table("Who pays and who gains: mean (90 % interval)", ["Party", "Money", .. alts.Select(a => a.Name)]);
        foreach (var p in c.Parties)
        {
            var first = true;
            foreach (var m in p.Measures.Where(m => m.Key != "ersattning_difference"))
            {
                parties.AddRow([first ? $"[bold]{Markup.Escape(p.Name)}[/]" : "", Markup.Escape(PartyLabel(m.Key)), .. m.Values.Select(v => Cell(v.Value, "SEK"))]);
                first = false;
            }
        }
        console.Write(parties);

        var partyDiffs = Table($"Parties: difference against {reference} (paired); better = the party pays less", ["Party", "Money", .. alts.Skip(1).Select(a => a.Name)]);
        foreach (var p in c.Parties)
        {
            var first = true;
            foreach (var m in p.Measures.Where(m => m.Key != "ersattning_difference"))
            {
                partyDiffs.AddRow([first ? $"[bold]{Markup.Escape(p.Name)}[/]" : "", Markup.Escape(PartyLabel(m.Key)), .. m.Values.Skip(1).Select(v => DiffCell(v, "SEK", m.Better))]);
                first = false;
            }
        }
        console.Write(partyDiffs);
    }

    /// <summary>
    /// One small table per figure with the alternatives as rows: name, value, paired difference and P(better).
    /// Four narrow columns fit an 80-column terminal whatever the number of alternatives.
    /// </summary>
    private static void WriteRows(IAnsiConsole console, ComparisonResult c)
    {
        console.MarkupLine("[bold]Headline figures[/] [grey]— one table per figure, alternatives as rows[/]");
        foreach (var f in c.Figures)
            console.Write(RowsTable($"{f.Label} · better: {DirectionWord(f.Better)}", f, f.Unit, c.Reference));
        console.MarkupLine($"[bold]Who pays and who gains[/] [grey]— for a party, paying less is better[/]");
        foreach (var p in c.Parties)
            foreach (var m in p.Measures.Where(m => m.Key != "ersattning_difference"))
                console.Write(RowsTable($"{p.Name} · {PartyLabel(m.Key)}", m, "SEK", c.Reference));
    }

    private static Table RowsTable(string title, FigureComparison f, string unit, string reference)
    {
        var t = Table(title, ["Alternative", "Mean (90 % interval)", $"vs {reference}", f.Better == Better.Neither ? "P(higher)" : "P(better)"]);
        t.Columns[0].NoWrap();
        foreach (var v in f.Values)
        {
            var isRef = v.Alternative == reference && v.Difference is null;
            var p = f.Better == Better.Neither ? v.ProbabilityHigher : v.ProbabilityBetter;
            t.AddRow(
                isRef ? $"[yellow]{Markup.Escape(v.Alternative)}[/]" : Markup.Escape(v.Alternative),
                Cell(v.Value, unit),
                isRef ? "[grey]reference[/]" : v.Difference is { } d ? $"{Markup.Escape(Signed(d.Mean, unit))}\n[grey]{Markup.Escape(Range(d.P5, d.P95, unit, signed: true))}[/]" : "–",
                isRef ? "" : ProbabilityCell(v, p, f.Better));
        }
        return t;
    }

    private static string ProbabilityCell(FigureValue v, double? p, Better better)
    {
        if (v.Difference is null) return "–";
        if (p is null) return "—";
        return better == Better.Neither ? $"[grey]{Pct(p)}[/]" : $"[{Colour(p)}]{Pct(p)}[/]";
    }

    private static string DirectionWord(Better b) => b switch { Better.Higher => "higher", Better.Lower => "lower", _ => "no direction" };

    /// <summary>Plain sentences for the figures a board asks about first.</summary>
    public static IEnumerable<string> Sentences(ComparisonResult c)
    {
        foreach (var key in new[] { "served", "work_or_studies", "mean_wait_months", "self_sufficient_12m", "society_net_follow_up" })
        {
            var f = c.Figures.FirstOrDefault(x => x.Key == key);
            if (f is null) continue;
            foreach (var v in f.Values.Skip(1))
            {
                if (v.Difference is not { } d) continue;
                var p = v.ProbabilityBetter is { } pb ? $"{Pct(pb)} chance it does better" : "no difference in any replicate";
                yield return Markup.Escape($"{v.Alternative} vs {c.Reference} — {f.Label.ToLowerInvariant()}: {Signed(d.Mean, f.Unit)} (90 % interval {Range(d.P5, d.P95, f.Unit, signed: true)}); {p}.");
            }
        }
    }

    private static string PartyLabel(string key) => key switch
    {
        "contribution" => "Contribution",
        "ersattning_paid" => "Ersättning paid",
        "net" => "Net against counterfactual",
        _ => key,
    };

    private static string Direction(Better b) => b switch
    {
        Better.Higher => "higher ↑",
        Better.Lower => "lower ↓",
        _ => "[grey]–[/]",
    };

    private static string Cell(Stat? s, string unit) =>
        s is null ? "–" : $"{Markup.Escape(Format.Value(s.Mean, unit))}\n[grey]{Markup.Escape(Range(s.P5, s.P95, unit, signed: false))}[/]";

    /// <summary>An interval with its unit written once: "10.0–10.8 M SEK", "23.3–37.6 %", "−4.8 to +11.7 pp".</summary>
    public static string Range(double lo, double hi, string unit, bool signed)
    {
        if (unit == "share" && signed) { unit = "percentage points"; lo *= 100; hi *= 100; }
        var inv = CultureInfo.InvariantCulture;
        var max = Math.Max(Math.Abs(lo), Math.Abs(hi));
        (double Scale, string Fmt, string Suffix) f = unit switch
        {
            "SEK" => max >= 1e6 ? (1e6, "0.0", " M SEK") : max >= 1e3 ? (1e3, "0", " k SEK") : (1, "0", " SEK"),
            "share" => (0.01, "0.0", " %"),
            "percentage points" => (1, "0.0", " pp"),
            "months" => (1, "0.0", " mo"),
            _ => (1, max >= 100 || (lo == Math.Floor(lo) && hi == Math.Floor(hi)) ? "#,0" : "0.0", ""),
        };
        string N(double v)
        {
            var text = (Math.Abs(v) / f.Scale).ToString(f.Fmt, inv).Replace(",", " ", StringComparison.Ordinal);
            var zero = text.Trim('0', '.', ' ').Length == 0;
            return zero ? text : v < 0 ? "−" + text : signed && v > 0 ? "+" + text : text;
        }
        var sep = lo < 0 || hi < 0 || signed ? " to " : "–";
        return $"{N(lo)}{sep}{N(hi)}{f.Suffix}";
    }

    private static string DiffCell(FigureValue v, string unit, Better better)
    {
        if (v.Difference is not { } d) return "–";
        var shown = better == Better.Neither ? v.ProbabilityHigher : v.ProbabilityBetter;
        var p = shown is null ? "[grey]P —[/]"
            : better == Better.Neither ? $"[grey]P(higher) {Pct(shown)}[/]"
            : $"P(better) [{Colour(shown)}]{Pct(shown)}[/]";
        return $"{Markup.Escape(Signed(d.Mean, unit))}\n[grey]{Markup.Escape(Range(d.P5, d.P95, unit, signed: true))}[/]\n{p}";
    }

    private static string Colour(double? p) => p switch { >= 0.9 => "green", <= 0.1 => "red", _ => "yellow" };

    public static string Pct(double? p) => p is { } v ? $"{(v * 100).ToString("0", CultureInfo.InvariantCulture)} %" : "–";

    /// <summary>A difference with its sign; a difference of shares is in percentage points.</summary>
    public static string Signed(double v, string unit)
    {
        if (unit == "share") { unit = "percentage points"; v *= 100; }
        var text = Format.Value(Math.Abs(v), unit).TrimStart('+');
        return v > 0 ? "+" + text : v < 0 ? "−" + text : text;
    }

    private static Table Table(string title, string[] columns)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/]");
        foreach (var col in columns) t.AddColumn(new TableColumn(Markup.Escape(col)));
        for (var k = 1; k < columns.Length; k++) t.Columns[k].RightAligned();
        return t;
    }
}
