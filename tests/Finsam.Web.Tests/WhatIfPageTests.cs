using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Finsam.Web.Tests;

/// <summary>
/// What-if on the web page: a board member changes Värend's 2017 split from the staircase's 40/60 to 60/40 and sees
/// the change against the plan, run with the same random numbers; and the two endpoints behind it.
/// </summary>
public sealed class WhatIfPageTests(WebPageFixture web, ITestOutputHelper output) : IClassFixture<WebPageFixture>
{
    private const string Varend = "varend-2016-2018.yaml";
    private const int Replicates = 30;   // keeps the test well under a minute on a loaded two-core machine
    private const string Bas2017 = "Basverksamhet – Finsam Aktiviteter 2017 (%)";
    private const string Process2017 = "Processverksamhet 2017 (%)";

    [Fact]
    public async Task Changing_the_2017_split_to_60_40_shows_the_difference_against_the_plan()
    {
        var clock = Stopwatch.StartNew();
        var (context, page) = await web.OpenAsync();
        await using var _ = context;
        await page.Locator($"#scenario option[value='{Varend}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GetByLabel("Scenario", new() { Exact = true }).SelectOptionAsync(Varend);

        // The levers, prefilled with the plan: the staircase's 40/60 in 2017, 8 Mkr, the coordinators' 4 FTE.
        await Assertions.Expect(page.Locator("#whatif-section")).ToBeVisibleAsync();
        var bas = page.GetByLabel(Bas2017, new() { Exact = true });
        await Assertions.Expect(bas).ToHaveValueAsync("40");
        await Assertions.Expect(page.GetByLabel(Process2017, new() { Exact = true })).ToHaveValueAsync("60");
        await Assertions.Expect(page.GetByLabel("Budget 2017 (kr)", new() { Exact = true })).ToHaveValueAsync("8000000");
        await Assertions.Expect(page.GetByLabel("Samordnare (Finsam-samordnarnas funktion) (årsarbetare)", new() { Exact = true })).ToHaveValueAsync("4");

        // 60 to the base line; with two lines the other follows to 40.
        await bas.FillAsync("60");
        await Assertions.Expect(page.GetByLabel(Process2017, new() { Exact = true })).ToHaveValueAsync("40");
        await page.GetByLabel("Antal replikat för jämförelsen").FillAsync(Replicates.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Jämför med planen" }).ClickAsync();

        var result = page.Locator("#whatif-result");
        await Assertions.Expect(result).ToBeVisibleAsync(new() { Timeout = 50_000 });
        await Assertions.Expect(page.Locator("#whatif-status")).ToContainTextAsync($"{Replicates} replikat, slumpfrö 20151113");
        await Assertions.Expect(page.Locator("#whatif-status")).ToContainTextAsync("budget.years[2017].shares");
        var figures = page.Locator("#whatif-figures");
        await Assertions.Expect(figures.Locator("thead th")).ToHaveTextAsync(["", "Planen", "Ändringen", "Skillnad (ändring − plan)", "Bättre i andel av replikaten"]);
        await Assertions.Expect(page.Locator("#whatif-parties tbody tr")).ToHaveCountAsync(5);
        // Värend has an economics: section, so the socio-economic account per sector and the payback time are shown too.
        var economics = page.Locator("#whatif-economics");
        await Assertions.Expect(economics.Locator("tr[data-figure=society_net_follow_up] td.difference .diff")).ToBeVisibleAsync();
        await Assertions.Expect(economics.Locator("tr[data-figure=payback_months] th")).ToHaveTextAsync("Återbetalningstid för samhället");
        await Assertions.Expect(page.Locator("#whatif-yaml")).ToContainTextAsync("budget.years[2017].shares: {basverksamhet: 60%, processverksamhet: 40%}");

        // The page shows what the API computes for the same change: the same seed gives the same numbers.
        using var response = await web.Http.PostAsJsonAsync($"api/scenarios/{Varend}/whatif?replicates={Replicates}",
            new { years = new[] { new { year = 2017, shares = new Dictionary<string, double> { ["basverksamhet"] = 60, ["processverksamhet"] = 40 } } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(20151113UL, answer.GetProperty("seed").GetUInt64());
        var served = Figure(answer, "served");
        var shownPlan = await figures.Locator("tr[data-figure=served] td.plan .mean").TextContentAsync();
        var shownDiff = await figures.Locator("tr[data-figure=served] td.difference .diff").TextContentAsync();
        Assert.Equal(Math.Round(served.Plan).ToString("N0", Sv).Replace(',', ' '), Normal(shownPlan));
        Assert.Equal(Signed(served.Diff), Normal(shownDiff));
        // Moving money to the base activities in 2017 changes who is served: the plan and the change differ.
        Assert.NotEqual(0, served.Diff);

        Directory.CreateDirectory(WebPageFixture.Screenshots);
        var shot = Path.Combine(WebPageFixture.Screenshots, "whatif-varend-2017-60-40.png");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebPageFixture.Screenshots, "whatif-page.png"), FullPage = true });
        await page.Locator("#whatif-section").ScreenshotAsync(new() { Path = shot });
        if (Environment.GetEnvironmentVariable("FINSAM_WHATIF_SCREENSHOT") is { Length: > 0 } copy) File.Copy(shot, copy, overwrite: true);
        output.WriteLine($"screenshot: {shot}; {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var f in answer.GetProperty("comparison").GetProperty("figures").EnumerateArray())
        {
            var v = f.GetProperty("values");
            output.WriteLine($"{f.GetProperty("key").GetString()}: plan {Stat(v[0], "value")}; 60/40 {Stat(v[1], "value")}; diff {Stat(v[1], "difference")}; P(better) {(v[1].TryGetProperty("probabilityBetter", out var pb) ? pb.ToString() : "–")}");
        }
        foreach (var p in answer.GetProperty("comparison").GetProperty("parties").EnumerateArray())
        {
            var v = p.GetProperty("measures").EnumerateArray().Single(m => m.GetProperty("key").GetString() == "net").GetProperty("values");
            output.WriteLine($"party {p.GetProperty("party").GetString()} net: plan {Stat(v[0], "value")}; 60/40 {Stat(v[1], "value")}; diff {Stat(v[1], "difference")}");
        }
        output.WriteLine(answer.GetProperty("variant").GetString());
    }

    [Fact]
    public async Task The_levers_endpoint_gives_the_plan_and_bad_changes_get_problem_details()
    {
        var levers = await web.Http.GetFromJsonAsync<JsonElement>($"api/scenarios/{Varend}/levers");
        var y2017 = levers.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == 2017);
        Assert.Equal(40, y2017.GetProperty("shares").GetProperty("basverksamhet").GetDouble());
        Assert.Equal(200, levers.GetProperty("replicates").GetInt32());

        var openApi = await web.Http.GetStringAsync("openapi/v1.json");
        Assert.Contains("\"operationId\": \"GetScenarioLevers\"", openApi, StringComparison.Ordinal);
        Assert.Contains("\"operationId\": \"RunWhatIf\"", openApi, StringComparison.Ordinal);

        using var unknown = await web.Http.GetAsync("api/scenarios/nope.yaml/levers");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        async Task<JsonElement> Refused(string query, object body)
        {
            using var r = await web.Http.PostAsJsonAsync($"api/scenarios/{Varend}/whatif{query}", body);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        }
        var sum = await Refused("", new { years = new[] { new { year = 2017, shares = new Dictionary<string, double> { ["basverksamhet"] = 50, ["processverksamhet"] = 40 } } } });
        Assert.Contains("sum to 90 %", sum.GetProperty("years[2017].shares")[0].GetString(), StringComparison.Ordinal);
        var nothing = await Refused("", new { insatser = new[] { new { insats = "samordnare", value = 4.0 } } });
        Assert.True(nothing.TryGetProperty("levers", out _));
        var tooMany = await Refused("?replicates=100000", new { insatser = new[] { new { insats = "samordnare", value = 5.0 } } });
        Assert.True(tooMany.TryGetProperty("replicates", out _));
    }

    private static readonly System.Globalization.CultureInfo Sv = System.Globalization.CultureInfo.InvariantCulture;

    private static (double Plan, double Diff) Figure(JsonElement answer, string key)
    {
        var values = answer.GetProperty("comparison").GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("key").GetString() == key).GetProperty("values");
        return (values[0].GetProperty("value").GetProperty("mean").GetDouble(), values[1].GetProperty("difference").GetProperty("mean").GetDouble());
    }

    /// <summary>sv-SE writes thousands with a no-break space and minus as U+2212; normalise to ASCII.</summary>
    private static string Normal(string? s) => (s ?? "").Replace('\u00a0', ' ').Replace('\u202f', ' ').Replace('\u2212', '-');

    private static string Signed(double v)
    {
        var r = Math.Round(v, MidpointRounding.AwayFromZero);
        var text = Math.Abs(r).ToString("N0", Sv).Replace(',', ' ');
        return r > 0 ? "+" + text : r < 0 ? "-" + text : text;
    }

    private static string Stat(JsonElement parent, string name) => !parent.TryGetProperty(name, out var s) || s.ValueKind == JsonValueKind.Null ? "–"
        : $"{s.GetProperty("mean").GetDouble():0.###} [{s.GetProperty("p5").GetDouble():0.###}, {s.GetProperty("p95").GetDouble():0.###}]";
}
