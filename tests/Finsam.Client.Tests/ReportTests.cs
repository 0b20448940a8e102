using System.Text.RegularExpressions;
using Finsam.Report;

namespace Finsam.Client.Tests;

/// <summary>The board report is one self-contained HTML file, Swedish by default, with accessible charts.</summary>
public partial class ReportTests(ExampleRun run) : IClassFixture<ExampleRun>
{
    [Fact]
    public void The_report_needs_nothing_from_the_network()
    {
        var html = ReportBuilder.Build(run.Summary);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotMatch(RemoteReference(), html);
        // Only links within the page.
        Assert.All(Href().Matches(html), m => Assert.StartsWith("#", m.Groups[1].Value));
    }

    [Fact]
    public void Charts_are_inline_svg_with_titles_captions_and_table_fallbacks()
    {
        var html = ReportBuilder.Build(run.Summary);
        var svgs = Regex.Count(html, "<svg ");
        Assert.True(svgs >= 10, $"{svgs} charts");
        Assert.Equal(svgs, Regex.Count(html, "<svg role=\"img\""));
        Assert.Equal(svgs, Regex.Count(html, "<figcaption"));
        // Every chart has its table fallback (other <details>, such as the valuation assumptions, are not charts).
        Assert.Equal(svgs, Regex.Count(html, "<details><summary>Visa siffrorna som tabell</summary>"));
        Assert.Equal(svgs, Regex.Count(html, "<svg [^>]*><title>[^<]+</title>"));
        Assert.Contains("<h1>", html);
        Assert.Contains("<h2 id=\"viktigast-h\">", html);
        Assert.Contains("<th scope=\"col\">", html);
        Assert.Contains("<figure", html);
    }

    [Fact]
    public void Swedish_is_the_default_with_swedish_numbers()
    {
        var html = ReportBuilder.Build(run.Summary);
        Assert.Contains("<html lang=\"sv\">", html);
        Assert.Contains("Det viktigaste", html);
        Assert.Contains("Personer som fått insats", html);
        Assert.Contains("90 % intervall", html);
        Assert.Contains("utan förbundets insatser", html);
        Assert.Contains("Vem betalar och vem vinner", html);
        Assert.Contains("Uppmätta resultat mot prognos", html);
        Assert.Matches(@"\d,\d\u00A0Mkr", html);
        Assert.DoesNotContain("People who received", html);
    }

    [Fact]
    public void English_on_request()
    {
        var html = ReportBuilder.Build(run.Summary, ReportBuilder.ParseLanguage("en"));
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("People who received an insats", html);
        Assert.Contains("90% interval", html);
        Assert.Contains("Who pays and who gains?", html);
        Assert.DoesNotContain("Personer som fått insats", html);
        Assert.DoesNotContain("90 % intervall", html);
        Assert.Throws<ArgumentException>(() => ReportBuilder.ParseLanguage("de"));
    }

    [Fact]
    public void The_same_result_gives_the_same_file()
    {
        Assert.Equal(ReportBuilder.Build(run.Summary), ReportBuilder.Build(run.Summary));
    }

    [Fact]
    public void Swedish_number_formats()
    {
        var sv = new Numbers(ReportLanguage.Sv);
        Assert.Equal("12,3\u00A0Mkr", sv.Money(12_345_678));
        Assert.Equal("123\u00A0500\u00A0kr", sv.Money(123_456));
        Assert.Equal("−2,5\u00A0Mkr", sv.Money(-2_500_000));
        Assert.Equal("30,3\u00A0%", sv.Share(0.303));
        Assert.Equal("+2,5\u00A0procentenheter", sv.Points(2.5));
        Assert.Equal("1\u00A0234", sv.Count(1234));
        Assert.Equal("0,7\u00A0månader", sv.Months(0.7));
        Assert.Equal("23,3–38,7\u00A0%", sv.Interval(new Core.Results.Stat(0.3, 0.233, 0.3, 0.387), "share"));
        Assert.Equal("−4,7\u00A0procentenheter till +10,6\u00A0procentenheter", sv.Interval(new Core.Results.Stat(2, -4.7, 2, 10.6), "percentage points"));
        var en = new Numbers(ReportLanguage.En);
        Assert.Equal("SEK\u00A012.3\u00A0million", en.Money(12_345_678));
        Assert.Equal("1,234", en.Count(1234));
    }

    [GeneratedRegex(@"(src|href|xlink:href)\s*=\s*[""']?\s*(https?:|//|data:)|url\(\s*[""']?\s*(https?:|//)", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteReference();

    [GeneratedRegex(@"href=""([^""]*)""")]
    private static partial Regex Href();
}
