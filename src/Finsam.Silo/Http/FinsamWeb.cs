using System.Security.Cryptography;
using System.Text;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Finsam.Grains.Runs;
using Finsam.Grains.Simulation;
using Finsam.Report;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace Finsam.Silo.Http;

/// <summary>A problem in a submitted scenario, as the API reports it.</summary>
public sealed record ApiProblem(string File, int Line, int Column, string Path, string Message);


public sealed record RunAccepted(string RunId, string Status, string Result, string Report);

public sealed record RunStatusResponse(string RunId, string State, int Completed, int Total, string? Scenario, string? Error, IReadOnlyList<string> Problems);

/// <summary>
/// The HTTP API and the web page, hosted by a silo (or by <c>finsam serve</c> around an embedded one):
/// submit a scenario, follow a run, fetch its result and report, ask for an insats's throughput.
/// Bound to loopback unless an API key is set; bodies over the limit get 413, bad scenarios 400 with
/// every problem, unknown runs 404 — never a 500 for anything a client can send.
/// </summary>
public static class FinsamWeb
{
    public static IServiceCollection AddFinsamWeb(this IServiceCollection services, HttpOptions options)
    {
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<ScenarioLibrary>();
        services.AddSingleton<ReportCache>();
        services.AddOpenApi(o => FinsamOpenApi.Configure(o, options));
        // Every refusal is RFC 9457 problem details: status, title and, for scenarios, "problems" with positions.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            if (c.Exception is { } e) c.ProblemDetails.Title = ApiErrors.TitleFor(e);
            c.ProblemDetails.Detail = null; // never an exception's text or stack
        });
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
        services.Configure<KestrelServerOptions>(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            // Kestrel's default (240 bytes/s after 5 s) counts time the server itself is too busy to read: under a burst
            // of 100 report requests it reset up to a quarter of the connections at about 10 s. A scenario body is small;
            // a slow client still gets cut off, just not a busy server's own clients.
            k.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(bytesPerSecond: 50, gracePeriod: TimeSpan.FromSeconds(60));
            // The same holds for responses (a report is up to a megabyte) when the process is too busy to send.
            k.Limits.MinResponseDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(bytesPerSecond: 50, gracePeriod: TimeSpan.FromSeconds(60));
        });
        return services;
    }

    public static WebApplication MapFinsamWeb(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<HttpOptions>();
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = ApiErrors.StatusFor });
        app.MapOpenApi("/openapi/v1.json");

        // The page (Web/*, embedded in the assembly): index.html at "/", app.js, whatif.js, app.css.
        var page = new EmbeddedFileProvider(typeof(FinsamWeb).Assembly, "Finsam.Silo.Web");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        var types = new FileExtensionContentTypeProvider();
        foreach (var (extension, type) in new[] { (".html", "text/html"), (".js", "text/javascript"), (".css", "text/css") })
            types.Mappings[extension] = type + "; charset=utf-8";
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page, ContentTypeProvider = types });

        var api = app.MapGroup("/api").AddEndpointFilter(async (ctx, next) =>
        {
            if (string.IsNullOrEmpty(options.ApiKey)) return await next(ctx);
            var given = ctx.HttpContext.Request.Headers[HttpOptions.ApiKeyHeader].ToString();
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(options.ApiKey))
                ? await next(ctx)
                : ApiErrors.Problem(StatusCodes.Status401Unauthorized, $"missing or wrong API key: send it in the {HttpOptions.ApiKeyHeader} header");
        }).ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapGet("/scenarios", (ScenarioLibrary library) => Results.Ok(library.List()))
            .WithSummary("The shipped scenarios, with their variants and insatser.")
            .WithName("listScenarios").WithTags(FinsamOpenApi.ScenariosTag)
            .Produces<IReadOnlyList<ScenarioEntry>>();

        api.MapGet("/scenarios/{file}", (string file, ScenarioLibrary library) =>
                library.Source(file) is { } s ? Results.Text(s.Text, "application/yaml; charset=utf-8") : NotFound($"no scenario '{file}'"))
            .WithSummary("The YAML text of a shipped scenario.")
            .WithName("getScenario").WithTags(FinsamOpenApi.ScenariosTag)
            .Produces<Stream>(StatusCodes.Status200OK, "application/yaml")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/scenarios/inspect", async (HttpRequest request, ScenarioLibrary library, HttpOptions options) =>
            {
                var (source, error) = await ReadScenarioAsync(request, library, options, null);
                if (error is not null) return error;
                try
                {
                    return Results.Ok(ScenarioLibrary.Describe(source!.FileName, LoadChecked(source, null)));
                }
                catch (ScenarioException e)
                {
                    return Invalid(e);
                }
            })
            .WithSummary("Check an uploaded scenario (YAML body) without running it: its name, variants and insatser (200), or every problem with its position (400).")
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .WithName("inspectScenario").WithTags(FinsamOpenApi.ScenariosTag)
            .Produces<ScenarioEntry>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        api.MapPost("/runs", SubmitRunAsync)
            .WithSummary("Start a run: a YAML scenario in the body, or ?scenario=FILE for a shipped one. Returns the run id (202).")
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .WithName("submitRun").WithTags(FinsamOpenApi.RunsTag)
            .Produces<RunAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        api.MapGet("/runs/{id}", async (string id, IGrainFactory grains) =>
                await grains.GetGrain<IRunGrain>(id).GetStatusAsync() is { State: not RunState.NotStarted } s ? Results.Ok(ToResponse(s)) : NotFound($"no run '{id}'"))
            .WithSummary("Status and progress of a run.")
            .WithName("getRun").WithTags(FinsamOpenApi.RunsTag)
            .Produces<RunStatusResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/runs/{id}/cancel", async (string id, IGrainFactory grains) =>
            {
                var run = grains.GetGrain<IRunGrain>(id);
                if ((await run.GetStatusAsync()).State == RunState.NotStarted) return NotFound($"no run '{id}'");
                return Results.Ok(ToResponse(await run.CancelAsync()));
            })
            .WithSummary("Cancel a run.")
            .WithName("cancelRun").WithTags(FinsamOpenApi.RunsTag)
            .Produces<RunStatusResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/runs/{id}/result", async (string id, IGrainFactory grains) =>
                await Finished(grains, id) is { } r ? r.Error ?? Results.Text(r.Json!, "application/json; charset=utf-8") : NotFound($"no run '{id}'"))
            .WithSummary("The run's result.json (every forecast with its interval, monthly series, recorded-vs-forecast); 409 with the run's status while it is not completed.")
            .WithName("getRunResult").WithTags(FinsamOpenApi.RunsTag)
            .Produces<Stream>(StatusCodes.Status200OK, "application/json")
            .Produces<RunStatusResponse>(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/runs/{id}/report", async (string id, string? lang, IGrainFactory grains, ReportCache reports, HttpRequest request) =>
            {
                ReportLanguage language;
                try { language = ReportBuilder.ParseLanguage(lang); }
                catch (ArgumentException) { return BadRequest($"lang must be sv or en, not '{lang}'"); }
                if (await Finished(grains, id) is not { } r) return NotFound($"no run '{id}'");
                if (r.Error is not null) return r.Error;
                return Results.Text(await reports.GetAsync(id, language, r.Json!, request.HttpContext.RequestAborted), "text/html; charset=utf-8");
            })
            .WithSummary("The board report of a finished run: one self-contained HTML page (?lang=sv|en); 409 with the run's status while it is not completed.")
            .WithName("getRunReport").WithTags(FinsamOpenApi.RunsTag)
            .Produces<Stream>(StatusCodes.Status200OK, "text/html")
            .Produces<RunStatusResponse>(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/throughput", ThroughputAsync)
            .WithSummary("For planners: an insats's expected admissions, exits, occupancy, queue and waits (P50, P90); with maxWait, the places needed to keep the P90 wait under it.")
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .WithName("throughput").WithTags(FinsamOpenApi.PlanningTag)
            .Produces<ThroughputAnswer>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        api.MapWhatIf();
        return app;
    }

    private static async Task<IResult> SubmitRunAsync(HttpRequest request, IGrainFactory grains, ScenarioLibrary library, HttpOptions options,
        string? scenario, string? variant, int? replicates, ulong? seed, string? runId)
    {
        if (runId is not null && !RunIds.IsValid(runId))
            return BadRequest($"runId must be {RunIds.Rule}");
        var (source, error) = await ReadScenarioAsync(request, library, options, scenario);
        if (error is not null) return error;
        if (replicates is { } n && (n < 1 || n > options.MaxReplicates))
            return BadRequest($"replicates must be between 1 and {options.MaxReplicates}");
        var runOptions = new RunOptions { Replicates = replicates, Seed = seed };
        try
        {
            var loaded = LoadChecked(source!, variant);
            if (OverBudget(loaded, replicates, options) is { } refused) return refused;
        }
        catch (ScenarioException e)
        {
            return Invalid(e);
        }
        var id = runId ?? Guid.NewGuid().ToString("N");
        try
        {
            await grains.GetGrain<IRunGrain>(id).StartAsync(new RunRequest(ScenarioPayload.From(source!, variant, runOptions)));
        }
        catch (RunIdInUseException e)
        {
            return ApiErrors.Problem(StatusCodes.Status409Conflict, e.Message);
        }
        return Results.Json(new RunAccepted(id, $"/api/runs/{id}", $"/api/runs/{id}/result", $"/api/runs/{id}/report"), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ThroughputAsync(HttpRequest request, IGrainFactory grains, ScenarioLibrary library, HttpOptions options,
        string insats, string? scenario, string? variant, int? replicates, ulong? seed, int? capacity, double? maxWait, string? from, string? to)
    {
        var (source, error) = await ReadScenarioAsync(request, library, options, scenario);
        if (error is not null) return error;
        if (replicates is { } n && (n < 1 || n > options.MaxReplicates))
            return BadRequest($"replicates must be between 1 and {options.MaxReplicates}");
        if (capacity is < 0) return BadRequest("capacity must be 0 or more places");
        if (maxWait is <= 0) return BadRequest("maxWait must be a positive number of months");
        foreach (var (name, value) in new[] { ("from", from), ("to", to) })
            if (value is not null && !Core.Scenarios.YearMonth.TryParse(value, out _)) return BadRequest($"{name} must be a month like 2016-01");
        try
        {
            var loaded = LoadChecked(source!, variant);
            if (OverBudget(loaded, replicates ?? 100, options) is { } refused) return refused;
            if (WorkBudget.CheckRuns(loaded, replicates ?? 100, Core.Analysis.Throughput.MostRuns(loaded, maxWait is not null), "throughput") is { } over) return BadRequest(over);
            if (Window(loaded, from, to) is { } badWindow) return BadRequest(badWindow);
            if (!loaded.Insatser.Any(i => i.Id == insats && i.Kind == Core.Scenarios.InsatsKind.Individual))
                return BadRequest($"no individual insats '{insats}'; the scenario has: {string.Join(", ", loaded.Insatser.Where(i => i.Kind == Core.Scenarios.InsatsKind.Individual).Select(i => i.Id))}");
        }
        catch (ScenarioException e)
        {
            return Invalid(e);
        }
        var query = new ThroughputQuery(ScenarioPayload.From(source!, variant, new RunOptions { Replicates = replicates ?? 100, Seed = seed }), insats, capacity, maxWait, from, to);
        var answer = await grains.GetGrain<IInsatsGrain>(query.Key).ThroughputAsync(query, request.HttpContext.RequestAborted);
        return Results.Ok(answer);
    }

    /// <summary>The scenario of a request: a shipped file (?scenario=) or the YAML body.</summary>
    private static async Task<(ScenarioSource? Source, IResult? Error)> ReadScenarioAsync(HttpRequest request, ScenarioLibrary library, HttpOptions options, string? shipped)
    {
        if (shipped is not null)
            return library.Source(shipped) is { } s ? (s, null) : (null, NotFound($"no shipped scenario '{shipped}'"));
        if (request.ContentLength > options.MaxBodyBytes) return (null, TooLarge(request, options));
        string text;
        try
        {
            using var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
            text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(request, options));
        }
        catch (DecoderFallbackException)
        {
            return (null, BadRequest("the body is not UTF-8 text; send the scenario's YAML"));
        }
        if (string.IsNullOrWhiteSpace(text))
            return (null, BadRequest("send a scenario: YAML in the body, or ?scenario=FILE for a shipped one (GET /api/scenarios)"));
        return (library.Uploaded(text, "uploaded.yaml"), null);
    }

    private static async Task<(string? Json, IResult? Error)?> Finished(IGrainFactory grains, string id)
    {
        var run = grains.GetGrain<IRunGrain>(id);
        var status = await run.GetStatusAsync();
        if (status.State == RunState.NotStarted) return null;
        if (status.State != RunState.Completed)
            return (null, Results.Json(ToResponse(status), statusCode: StatusCodes.Status409Conflict));
        return (await run.GetResultJsonAsync(), null);
    }

    private static RunStatusResponse ToResponse(RunStatus s) =>
        new(s.RunId, s.State.ToString().ToLowerInvariant(), s.Completed, s.Total, s.ScenarioName, s.Error, s.Problems);

    /// <summary>
    /// A run over the API's replicate limit (also when the uploaded YAML's own 'replicates:' asks for more)
    /// or over the <see cref="WorkBudget"/>.
    /// </summary>
    private static IResult? OverBudget(Core.Scenarios.Scenario loaded, int? replicates, HttpOptions options)
    {
        var n = replicates ?? loaded.Replicates;
        if (n > options.MaxReplicates)
            return BadRequest($"the scenario asks for {n} replicates; this server runs at most {options.MaxReplicates} per request (set ?replicates= lower)");
        return WorkBudget.CheckRun(loaded, n) is { } over ? BadRequest(over) : null;
    }

    /// <summary>Why a throughput window cannot be used: reversed, or outside the scenario's horizon.</summary>
    private static string? Window(Core.Scenarios.Scenario s, string? from, string? to)
    {
        var first = Core.Scenarios.YearMonth.TryParse(from, out var f) ? f : s.Start;
        var last = Core.Scenarios.YearMonth.TryParse(to, out var t) ? t : s.End;
        if (first.Index > last.Index) return $"from ({first}) is after to ({last})";
        if (first.Index < s.Start.Index || last.Index > s.End.Index) return $"the window {first}…{last} is not inside the scenario's horizon {s.Start}…{s.End}";
        return null;
    }

    /// <summary>
    /// The scenario checked as <c>finsam validate</c> and <c>finsam run</c> check it — every variant too, so a broken
    /// variant is refused, not run around — then loaded with the chosen variant.
    /// </summary>
    /// <exception cref="ScenarioException">Every problem found.</exception>
    private static Core.Scenarios.Scenario LoadChecked(ScenarioSource source, string? variant)
    {
        var problems = ScenarioLoader.Validate(source);
        if (problems.Count > 0) throw new ScenarioException(problems);
        return ScenarioLoader.Load(source, variant);
    }

    private static IResult Invalid(ScenarioException e) =>
        ApiErrors.Problem(StatusCodes.Status400BadRequest, "the scenario is not valid; nothing was run",
            e.Diagnostics.Select(d => new ApiProblem(d.Where.File, d.Where.Line, d.Where.Column, d.Path, d.Message)).ToList());

    private static IResult BadRequest(string title) => ApiErrors.Problem(StatusCodes.Status400BadRequest, title);

    private static IResult NotFound(string title) => ApiErrors.Problem(StatusCodes.Status404NotFound, title);

    /// <summary>
    /// 413, and the connection closed after it: the body was not read, so a client that sent the next request
    /// on the same connection would otherwise race the server's close ("response ended prematurely").
    /// </summary>
    private static IResult TooLarge(HttpRequest request, HttpOptions o)
    {
        request.HttpContext.Response.Headers.Connection = "close";
        return ApiErrors.Problem(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {o.MaxBodyBytes / 1024} KiB; a scenario file is far smaller");
    }
}
