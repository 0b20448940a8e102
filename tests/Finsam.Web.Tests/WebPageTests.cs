using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Finsam.Web.Tests;

/// <summary>The web page end to end: a person's clicks in headless Chromium against `finsam serve`.</summary>
public sealed partial class WebPageTests(WebPageFixture web, ITestOutputHelper output) : IClassFixture<WebPageFixture>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private static async Task ChooseShippedAsync(IPage page, string file)
    {
        // The list is filled from GET /api/scenarios after the page loads.
        await page.Locator($"#scenario option[value='{file}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GetByLabel("Scenario", new() { Exact = true }).SelectOptionAsync(file);
    }

    [Fact]
    public async Task A_base_run_and_a_variant_show_progress_a_swedish_report_and_a_comparison()
    {
        var (context, page) = await web.OpenAsync();
        await using var _ = context;
        await ChooseShippedAsync(page, "example-forbund.yaml");
        await page.GetByLabel("coach-2fte").CheckAsync();
        await page.GetByLabel("Antal replikat", new() { Exact = true }).FillAsync("6");
        await page.GetByRole(AriaRole.Button, new() { Name = "Kör", Exact = true }).ClickAsync();

        // Two runs, each with its progress bar and a polite live region, until both are done.
        var runs = page.Locator("li.run");
        await Assertions.Expect(runs).ToHaveCountAsync(2);
        await Assertions.Expect(runs.Locator("progress")).ToHaveCountAsync(2);
        await Assertions.Expect(runs.Locator("[role=status][aria-live=polite]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("li.run[data-state=completed]")).ToHaveCountAsync(2, new() { Timeout = (float)RunTimeout.TotalMilliseconds });
        foreach (var run in await runs.AllAsync())
        {
            var bar = run.Locator("progress");
            Assert.Equal(await bar.GetAttributeAsync("max"), await bar.EvaluateAsync<string>("b => String(b.value)"));
            await Assertions.Expect(run.Locator(".count")).ToHaveTextAsync("6 av 6 replikat (100 %)");
            await Assertions.Expect(run.Locator(".state")).ToContainTextAsync("klar");
        }
        await Assertions.Expect(runs.Nth(0).Locator(".name")).ToHaveTextAsync("grundscenario");
        await Assertions.Expect(runs.Nth(1).Locator(".name")).ToHaveTextAsync("coach-2fte");

        // The report, in Swedish with its SVG charts, inside the page and as a link of its own.
        await Assertions.Expect(page.Locator("#report-section")).ToBeVisibleAsync();
        var report = page.FrameLocator("#report");
        await Assertions.Expect(report.Locator("html")).ToHaveAttributeAsync("lang", "sv");
        await Assertions.Expect(report.Locator("h2").First).ToHaveTextAsync("Det viktigaste");
        await Assertions.Expect(report.Locator("body")).ToContainTextAsync("Vem betalar och vem vinner?");
        Assert.True(await report.Locator("svg").CountAsync() > 0, "the report has inline SVG charts");
        var link = await page.Locator("#report-link").GetAttributeAsync("href");
        Assert.Matches("^/api/runs/[0-9a-f]{32}/report\\?lang=sv$", link);
        var alone = await page.Context.APIRequest.GetAsync(link!);
        Assert.Contains("<svg", await alone.TextAsync(), StringComparison.Ordinal);

        // The side-by-side comparison: four headline figures, both alternatives, each with its 90 % interval.
        var table = page.Locator("#runs-section .compare table");
        await Assertions.Expect(table).ToBeVisibleAsync();
        await Assertions.Expect(table.Locator("thead th")).ToHaveTextAsync(["Nyckeltal", "grundscenario", "coach-2fte"]);
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(4);
        foreach (var key in new[] { "served", "work_or_studies", "self_sufficient_12m", "spend" })
        {
            var cells = table.Locator($"tr[data-figure={key}] td");
            await Assertions.Expect(cells).ToHaveCountAsync(2);
            foreach (var cell in await cells.AllAsync())
                Assert.Matches(Interval(), await cell.Locator(".interval").TextContentAsync() ?? "");
        }
        await Assertions.Expect(table.Locator("tr[data-figure=spend] td").First).ToContainTextAsync("mnkr");
        await Assertions.Expect(table.Locator("tr[data-figure=self_sufficient_12m] td").First).ToContainTextAsync("%");

        // The figures are the run's own: the base column's served mean is result.json's.
        var baseId = await runs.Nth(0).GetAttributeAsync("data-run");
        var result = await web.Http.GetFromJsonAsync<JsonElement>($"api/runs/{baseId}/result");
        var served = result.GetProperty("headline").EnumerateArray().Single(h => h.GetProperty("key").GetString() == "served")
            .GetProperty("value").GetProperty("mean").GetDouble();
        var shown = await table.Locator("tr[data-figure=served] td .mean").First.TextContentAsync();
        Assert.Equal(Math.Round(served), double.Parse(Digits().Replace(shown!, ""), System.Globalization.CultureInfo.InvariantCulture));

        var shot = Path.Combine(WebPageFixture.Screenshots, "finished.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        output.WriteLine($"screenshot: {shot}");
    }

    [Fact]
    public async Task A_broken_upload_lists_every_problem_with_its_line_in_swedish_and_runs_nothing()
    {
        var example = await File.ReadAllLinesAsync(Path.Combine(WebPageFixture.RepoRoot, "scenarios", "example-forbund.yaml"));
        var line = Array.FindIndex(example, l => l.Contains("capacity: { places: 8 }", StringComparison.Ordinal)) + 1;
        Assert.True(line > 0, "the example scenario changed: update the broken line this test makes");
        var broken = string.Join('\n', example).Replace("capacity: { places: 8 }", "capacity: { places: -8 }", StringComparison.Ordinal);

        var (context, page) = await web.OpenAsync();
        await using var _ = context;
        await ChooseShippedAsync(page, "example-forbund.yaml");
        await page.GetByLabel("Scenariofil", new() { Exact = true }).SetInputFilesAsync(new FilePayload
        {
            Name = "trasig.yaml",
            MimeType = "application/yaml",
            Buffer = Encoding.UTF8.GetBytes(broken),
        });

        // The file is checked as soon as it is chosen, and the problem is named with its line and column.
        var message = page.Locator("#message");
        await Assertions.Expect(message).ToContainTextAsync("Scenariot är inte giltigt – inget har körts.");
        await Assertions.Expect(message.Locator("li")).ToHaveCountAsync(1);
        await Assertions.Expect(message.Locator("li")).ToContainTextAsync(new Regex($"^rad {line}, kolumn \\d+: insatser\\[arbetsträning\\]\\.capacity\\.places – capacity must be greater than 0"));
        Assert.True(await page.GetByLabel("En egen scenariofil (YAML)").IsCheckedAsync(), "choosing a file selects the upload");

        // Pressing Kör anyway gets the same answer from the run endpoint, and no run appears.
        await page.GetByRole(AriaRole.Button, new() { Name = "Kör", Exact = true }).ClickAsync();
        await Assertions.Expect(message).ToContainTextAsync($"rad {line}, kolumn");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Kör", Exact = true })).ToBeEnabledAsync();
        Assert.Equal(0, await page.Locator("li.run").CountAsync());
        await Assertions.Expect(page.Locator("#runs-section")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebPageFixture.Screenshots, "broken-upload.png"), FullPage = true });
    }

    [Fact]
    public async Task A_valid_upload_is_checked_and_offers_its_own_variants()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(WebPageFixture.RepoRoot, "scenarios", "example-forbund.yaml"));
        var (context, page) = await web.OpenAsync();
        await using var _ = context;
        await ChooseShippedAsync(page, "kur-1-2.yaml");
        await Assertions.Expect(page.GetByLabel("kur-continued")).ToBeVisibleAsync();

        await page.GetByLabel("Scenariofil", new() { Exact = true }).SetInputFilesAsync(new FilePayload
        {
            Name = "mitt-forbund.yaml",
            MimeType = "application/yaml",
            Buffer = Encoding.UTF8.GetBytes(text),
        });
        await Assertions.Expect(page.Locator("#upload-info")).ToHaveTextAsync("mitt-forbund.yaml: Exempelförbundet – filen är giltig.");
        await Assertions.Expect(page.Locator("#variants input[type=checkbox]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByLabel("coach-2fte")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#message")).ToBeEmptyAsync();

        // Going back to a shipped scenario shows its variants again, not the file's.
        await page.GetByLabel("Ett scenario som följer med Finsam").CheckAsync();
        await Assertions.Expect(page.GetByLabel("kur-continued")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("coach-2fte")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_large_run_can_be_cancelled_from_the_page()
    {
        var (context, page) = await web.OpenAsync();
        await using var _ = context;
        await ChooseShippedAsync(page, "example-forbund.yaml");
        await page.GetByLabel("Antal replikat", new() { Exact = true }).FillAsync("5000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Kör", Exact = true }).ClickAsync();

        var run = page.Locator("li.run");
        await Assertions.Expect(run).ToHaveCountAsync(1);
        // Progress is reported before the run is cancelled.
        await Assertions.Expect(run.Locator(".count")).ToHaveTextAsync(new Regex("^\\d+ av 5000 replikat"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebPageFixture.Screenshots, "running.png"), FullPage = true });
        await run.GetByRole(AriaRole.Button, new() { Name = "Avbryt grundscenario" }).ClickAsync();
        await Assertions.Expect(run).ToHaveAttributeAsync("data-state", "cancelled");
        await Assertions.Expect(run.Locator(".state")).ToContainTextAsync("avbruten");
        await Assertions.Expect(run.GetByRole(AriaRole.Button, new() { Name = "Avbryt grundscenario" })).ToHaveCountAsync(0);

        var id = await run.GetAttributeAsync("data-run");
        var status = await web.Http.GetFromJsonAsync<JsonElement>($"api/runs/{id}");
        Assert.Equal("cancelled", status.GetProperty("state").GetString());
        Assert.True(status.GetProperty("completed").GetInt32() < 5000);
    }

    [GeneratedRegex(@"^\S.* – \S.*$")]
    private static partial Regex Interval();

    [GeneratedRegex(@"[^\d]")]
    private static partial Regex Digits();
}
