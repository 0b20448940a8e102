using Finsam.Silo;
using Finsam.Silo.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Finsam.Web.Tests;

/// <summary>
/// `finsam serve` on a free loopback port (web host + embedded silo, the repository's scenarios) and Debian's
/// headless Chromium driven by Playwright. The browser is the system's (<see cref="ChromiumPath"/>): nothing is
/// downloaded, and Playwright's own Node driver comes from its NuGet package.
/// </summary>
public sealed class WebPageFixture : IAsyncLifetime
{
    /// <summary>Debian's `chromium` package puts the browser here; FINSAM_CHROMIUM overrides it.</summary>
    public static string ChromiumPath { get; } = Environment.GetEnvironmentVariable("FINSAM_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>The flags a headless CI browser needs here: no sandbox (root, containers), no GPU, and no traffic of its own.</summary>
    public static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Screenshots go to the test output folder (bin/…, never committed).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public WebApplication App { get; private set; } = null!;
    public Uri BaseUrl { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"Chromium is missing: {ChromiumPath} does not exist. The web page tests drive Debian's headless Chromium; " +
                "install it with `apt-get install -y chromium` (as root: `bash .ci/chromium.sh`, which CI runs), " +
                "or point FINSAM_CHROMIUM at a Chromium binary. Never `playwright install`: it downloads a browser.");

        var port = FinsamSiloConfiguration.FreeLoopbackPort();
        App = await WebHostFactory.StartEmbeddedAsync(new HttpOptions { Port = port, Scenarios = Path.Combine(RepoRoot, "scenarios") });
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        Http = new HttpClient { BaseAddress = BaseUrl };

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        // LaunchAsync gives every launch a fresh, temporary user-data dir of its own (and refuses --user-data-dir).
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            ChromiumSandbox = false,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A fresh browser context (no cookies, no storage) with the page opened at the site's root.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            Locale = "sv-SE",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return (context, page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        Http?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Finsam.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Finsam.sln) above " + AppContext.BaseDirectory);
    }
}
