using System.Diagnostics;
using Finsam.Core.Analysis;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Finsam.Grains.Runs;
using Finsam.Grains.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Finsam.Silo.Http;

/// <summary>A shipped scenario's levers, with the plan's values and the what-if work budget.</summary>
public sealed record WhatIfLevers(
    string File, string Scenario, ulong Seed, int Replicates, int MaxReplicates,
    IReadOnlyList<LineLever> Lines, IReadOnlyList<YearLever> Years, IReadOnlyList<CapacityLever> Insatser);

/// <summary>
/// A board's change: years (total and/or split in percent) and insatser (places or FTE). What equals the plan
/// is no change. <see cref="Name"/> and <see cref="Description"/> name the variant the change can be saved as.
/// </summary>
public sealed record WhatIfRequest(IReadOnlyList<YearChange>? Years, IReadOnlyList<CapacityChange>? Insatser, string? Name = null, string? Description = null);

/// <summary>One edit of the change: its variant path and the value as YAML.</summary>
public sealed record WhatIfEdit(string Path, string Yaml);

/// <summary>
/// The plan and the change run with the same seed and replicates (common random numbers) and compared as
/// <c>finsam compare</c> does; <see cref="Variant"/> is the change as an item to paste under <c>variants:</c>.
/// </summary>
public sealed record WhatIfAnswer(
    string File, string Scenario, ulong Seed, int Replicates, double Seconds,
    IReadOnlyList<WhatIfEdit> Edits, string Variant, ComparisonResult Comparison);

/// <summary>
/// What-if for a board on the web page: <c>GET /api/scenarios/{file}/levers</c> and
/// <c>POST /api/scenarios/{file}/whatif</c>. The change runs as an overlay of variant edits on the shipped file
/// (the loader applies it with the same code as a variant), so the plan and the change share every random number
/// the change does not touch. Replicates are capped: a what-if answers in seconds or not at all.
/// </summary>
public static class WhatIfEndpoints
{
    public const string PlanName = "plan";
    public const string ChangeName = "what-if";
    public const int DefaultReplicates = 200;
    public const int ReplicateCap = 1000;
    private const int MaxNameLength = 100;
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    public static RouteGroupBuilder MapWhatIf(this RouteGroupBuilder api)
    {
        api.MapGet("/scenarios/{file}/levers", Levers)
            .WithName("GetScenarioLevers").WithTags(FinsamOpenApi.PlanningTag)
            .WithSummary("The levers a board can change in a shipped scenario — each year's budget total and split between budget lines (percent), each individual insats's places or FTE — with the plan's values and the what-if work budget (replicates).")
            .Produces<WhatIfLevers>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapPost("/scenarios/{file}/whatif", RunAsync)
            .WithName("RunWhatIf").WithTags(FinsamOpenApi.PlanningTag)
            .WithSummary("Run a change of levers against the plan with common random numbers (same seed, same replicates) and compare them as `finsam compare` does: headline figures and each party's money with 90 % intervals and the paired difference. Returns the change as a variant (YAML).")
            .Accepts<WhatIfRequest>("application/json")
            .Produces<WhatIfAnswer>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status500InternalServerError);
        return api;
    }

    private static int MaxReplicates(HttpOptions options) => Math.Min(ReplicateCap, options.MaxReplicates);

    private static IResult Levers(string file, ScenarioLibrary library, HttpOptions options)
    {
        if (library.Source(file) is not { } source) return NotFound(file);
        try
        {
            var scenario = ScenarioLoader.Load(source);
            var levers = Core.Analysis.Levers.Read(scenario);
            return Results.Ok(new WhatIfLevers(file, scenario.Name, scenario.Seed, Math.Min(DefaultReplicates, MaxReplicates(options)), MaxReplicates(options),
                levers.Lines, levers.Years, levers.Insatser));
        }
        catch (ScenarioException e)
        {
            return Invalid(e);
        }
    }

    private static async Task<IResult> RunAsync(string file, WhatIfRequest? body, int? replicates, ulong? seed,
        ScenarioLibrary library, HttpOptions options, IGrainFactory grains, HttpContext http)
    {
        if (library.Source(file) is not { } source) return NotFound(file);
        if (body is null) return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["send the changed levers as JSON: { \"years\": [...], \"insatser\": [...] }"] });
        var max = MaxReplicates(options);
        if (replicates is { } n && (n < 1 || n > max))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["replicates"] = [$"a what-if runs 1 to {max} replicates (default {DefaultReplicates})"] });
        // Names are echoed into the variant: an identity number typed there is masked like every other output.
        var name = string.IsNullOrWhiteSpace(body.Name) ? "styrelsens-forslag" : PersonnummerGuard.MaskAll(body.Name.Trim());
        body = body with { Description = body.Description is null ? null : PersonnummerGuard.MaskAll(body.Description) };
        if (name.Length > MaxNameLength || name.Any(char.IsControl) || (body.Description is { } d && (d.Length > 1000 || d.Any(char.IsControl))))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [$"a variant name is one line of at most {MaxNameLength} characters; a description one line of at most 1000"] });

        Core.Scenarios.Scenario plan;
        IReadOnlyList<LeverEdit> edits;
        ScenarioSource changed;
        try
        {
            plan = ScenarioLoader.Load(source);
            edits = Core.Analysis.Levers.Edits(plan, new LeverChanges(body.Years, body.Insatser));
            if (edits.Count == 0)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["levers"] = ["nothing differs from the plan: change at least one lever"] },
                    title: "nothing to compare");
            changed = source with { Overlay = WhatIfYaml.Overlay(source.FileName, $"what-if on the web page against {file}", edits) };
            var changedLoaded = ScenarioLoader.Load(changed);
            if (WorkBudget.CheckRuns([(plan, 1), (changedLoaded, 1)], replicates ?? Math.Min(DefaultReplicates, max), "what-if") is { } over)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["replicates"] = [over] }, title: "the what-if is over the work budget; nothing was run");
        }
        catch (LeverException e)
        {
            return Results.ValidationProblem(e.Errors, title: "the levers cannot be set so; nothing was run");
        }
        catch (ScenarioException e)
        {
            return Invalid(e);
        }

        var run = new RunOptions { Replicates = replicates ?? Math.Min(DefaultReplicates, max), Seed = seed ?? plan.Seed };
        var clock = Stopwatch.StartNew();
        var ids = new[] { Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N") };
        var payloads = new[] { ScenarioPayload.From(source, null, run), ScenarioPayload.From(changed, null, run) };
        var ct = http.RequestAborted;
        try
        {
            for (var k = 0; k < 2; k++) await grains.GetGrain<IRunGrain>(ids[k]).StartAsync(new RunRequest(payloads[k]));
            var summaries = new RunSummary[2];
            for (var k = 0; k < 2; k++)
            {
                var grain = grains.GetGrain<IRunGrain>(ids[k]);
                var status = await grain.GetStatusAsync();
                while (!status.IsFinished)
                {
                    await Task.Delay(PollEvery, ct);
                    status = await grain.GetStatusAsync();
                }
                if (status.State != RunState.Completed || await grain.GetResultJsonAsync() is not { } json)
                    return Results.Problem(title: "the what-if run did not complete", detail: $"{(k == 0 ? PlanName : ChangeName)}: {status.State.ToString().ToLowerInvariant()}{(status.Error is null ? "" : ": " + status.Error)}",
                        statusCode: StatusCodes.Status500InternalServerError);
                summaries[k] = ResultWriter.FromJson(json);
            }
            var comparison = Comparison.Compare(
            [
                new Alternative(PlanName, plan.Name, summaries[0]),
                new Alternative(ChangeName, body.Description ?? name, summaries[1]),
            ]);
            var description = body.Description ?? $"What-if from the web page: {string.Join("; ", edits.Select(e => $"{e.Path} = {WhatIfYaml.Inline(e)}"))}";
            return Results.Ok(new WhatIfAnswer(file, plan.Name, run.Seed!.Value, run.Replicates!.Value, Math.Round(clock.Elapsed.TotalSeconds, 2),
                edits.Select(e => new WhatIfEdit(e.Path, WhatIfYaml.Inline(e))).ToList(),
                WhatIfYaml.Variant(name, description, edits), comparison));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller left: stop both runs rather than let them use the cluster for nobody.
            foreach (var id in ids) await grains.GetGrain<IRunGrain>(id).CancelAsync();
            return Results.Empty;
        }
    }

    private static IResult NotFound(string file) =>
        Results.Problem(title: $"no shipped scenario '{file}'", detail: "GET /api/scenarios lists them", statusCode: StatusCodes.Status404NotFound);

    /// <summary>Every problem of the scenario (or of the change applied to it), by field path, with file, line and column.</summary>
    private static IResult Invalid(ScenarioException e) =>
        Results.ValidationProblem(
            e.Diagnostics.GroupBy(x => x.Path.Length == 0 ? "scenario" : x.Path, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(x => $"{x.Where.File}:{x.Where.Line}:{x.Where.Column}: {x.Message}").ToArray(), StringComparer.Ordinal),
            title: "the scenario with this change is not valid; nothing was run");
}
