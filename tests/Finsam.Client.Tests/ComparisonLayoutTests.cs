using Finsam.Client.Output;
using Finsam.Core.Analysis;
using Finsam.Core.Results;
using Spectre.Console;

namespace Finsam.Client.Tests;

/// <summary>The compare tables read in an 80-column terminal: nothing cut, a zero difference shows no probability.</summary>
public class ComparisonLayoutTests
{
    private static readonly string[] Names =
    [
        "base", "status-quo-60-40", "flat-40-60", "fast-20-80-from-2017", "slow-switch", "stodperson-4fte",
        "samordnare-2fte", "npf-priority", "budget-5mkr", "budget-12mkr", "a-rather-long-variant-name",
    ];

    private static ComparisonResult Result(IReadOnlyList<string> names)
    {
        FigureValue Value(string name, int k, double mean) => k == 0
            ? new FigureValue(name, new Stat(mean, mean - 10, mean, mean + 10), null, null, null, null, 20)
            : new FigureValue(name, new Stat(mean + k, mean + k - 10, mean + k, mean + k + 10),
                k == 2 ? Stat.Zero : new Stat(k, k - 3, k, k + 3),
                k == 2 ? null : 0.6, k == 2 ? null : 0.3, k == 2 ? null : 0.6, 20);
        var served = new FigureComparison("served", "People served (admitted to an insats)", "people", Better.Higher,
            names.Select((n, k) => Value(n, k, 562)).ToList());
        var spend = new FigureComparison("spend", "Förbund spending on insatser", "SEK", Better.Neither,
            names.Select((n, k) => Value(n, k, 23_456_789)).ToList());
        var net = new FigureComparison("net", "Net", "SEK", Better.Lower, names.Select((n, k) => Value(n, k, -1_234_567)).ToList());
        var contribution = new FigureComparison("contribution", "Contribution", "SEK", Better.Lower, names.Select((n, k) => Value(n, k, 4_000_000)).ToList());
        var paid = new FigureComparison("ersattning_paid", "Paid", "SEK", Better.Lower, names.Select((n, k) => Value(n, k, 9_000_000)).ToList());
        return new ComparisonResult(1, 20, names[0], "mean and 90 % interval",
            names.Select(n => new AlternativeInfo(n, null, "Värend", "varend.yaml", n)).ToList(),
            [served, spend], [new PartyComparison("vaxjo", "Växjö kommun", "Kommun", [contribution, paid, net])]);
    }

    private static string Render(ComparisonResult c, int width)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        ComparisonTable.Write(console, c);
        return writer.ToString();
    }

    [Fact]
    public void Eleven_alternatives_in_80_columns_become_rows_with_every_name_and_number_whole()
    {
        var c = Result(Names);
        Assert.False(ComparisonTable.FitsAsColumns(c, 80));
        var text = Render(c, 80);
        var lines = text.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd('\r').Length <= 80, $"line longer than 80: '{l}'"));
        // Every name appears whole inside a table row (the alternatives as rows), not folded over lines.
        foreach (var n in Names)
            Assert.Contains(lines, l => l.StartsWith('│') && l.Contains($" {n} ", StringComparison.Ordinal));
        // Numbers whole: the value, its interval and a money interval with its unit.
        Assert.Contains("23.5 M SEK", text);
        Assert.Contains("23.5–23.5 M SEK", text);
        Assert.Contains("552–572", text);
    }

    [Fact]
    public void A_difference_that_is_exactly_zero_shows_a_dash_not_zero_per_cent()
    {
        var text = Render(Result(Names), 80);
        // Alternative k = 2 (flat-40-60) ties in every replicate on every figure.
        var rows = text.Split('\n').Where(l => l.Contains(" flat-40-60 ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Contains("—", r));
        Assert.All(rows, r => Assert.DoesNotContain("0 %", r));
        var columns = Render(Result(Names[..3]), 200);
        Assert.Contains("P —", columns);
    }

    [Fact]
    public void Three_short_alternatives_in_a_wide_terminal_stay_as_columns()
    {
        var c = Result(Names[..3]);
        Assert.True(ComparisonTable.FitsAsColumns(c, 120));
        Assert.Contains("Headline figures: mean (90 % interval)", Render(c, 120));
        Assert.False(ComparisonTable.FitsAsColumns(c, 80));
    }
}

/// <summary>The report's comparison page: alternatives as rows, every name whole, "—" for a zero difference.</summary>
public class ComparisonPageTests
{
    [Fact]
    public void The_comparison_page_lists_alternatives_as_rows_and_shows_a_dash_for_a_zero_difference()
    {
        var names = new[] { "base", "status-quo-60-40", "flat-40-60", "budget-12mkr" };
        var values = names.Select((n, k) => new FigureValue(n, new Stat(500 + k, 490, 500, 510),
            k == 0 ? null : k == 2 ? Stat.Zero : new Stat(k, k - 1, k, k + 1),
            k is 0 or 2 ? null : 0.7, k is 0 or 2 ? null : 0.1, k is 0 or 2 ? null : 0.7, 20)).ToList();
        var c = new ComparisonResult(1, 20, "base", "mean and 90 % interval",
            names.Select(n => new AlternativeInfo(n, null, "Värend", "varend.yaml", n)).ToList(),
            [new FigureComparison("served", "People served", "people", Better.Higher, values)], []);
        var html = Finsam.Report.ReportBuilder.BuildComparison(c);
        foreach (var n in names) Assert.Contains($"<th scope=\"row\">{n}</th>", html);
        Assert.Contains("Personer som fått insats", html);
        var flat = html[html.IndexOf("<th scope=\"row\">flat-40-60</th>", StringComparison.Ordinal)..];
        flat = flat[..flat.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains("<td>—</td>", flat);
        Assert.DoesNotContain("0,0", flat.Split("<td>")[^1]);
        Assert.Contains("70,0", html);
    }
}
