using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Finsam.Silo;
using Finsam.Silo.Http;
using Microsoft.AspNetCore.Builder;

namespace Finsam.Cluster.Tests;

/// <summary>The web host of `finsam serve` (embedded silo + HTTP API) on a real loopback port.</summary>
public sealed class WebHostFixture : IAsyncLifetime
{
    public WebApplication App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        Port = FinsamSiloConfiguration.FreeLoopbackPort();
        App = await WebHostFactory.StartEmbeddedAsync(new HttpOptions { Port = Port, Scenarios = Path.Combine(Simulation.RepoRoot, "scenarios") });
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/") };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

public sealed class HttpApiTests(WebHostFixture web) : IClassFixture<WebHostFixture>
{
    private HttpClient Http => web.Http;

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private async Task<JsonElement> WaitAsync(string runId)
    {
        for (var k = 0; k < 600; k++)
        {
            var status = await Http.GetFromJsonAsync<JsonElement>($"api/runs/{runId}");
            if (status.GetProperty("state").GetString() is "completed" or "failed" or "cancelled") return status;
            await Task.Delay(100);
        }
        throw new TimeoutException(runId);
    }

    [Fact]
    public async Task The_shipped_scenarios_are_listed_with_their_variants()
    {
        var list = await Http.GetFromJsonAsync<JsonElement>("api/scenarios");
        var varend = list.EnumerateArray().Single(s => s.GetProperty("file").GetString() == "varend-2016-2018.yaml");
        Assert.True(varend.GetProperty("variants").GetArrayLength() >= 4);
        Assert.Contains(list.EnumerateArray(), s => s.GetProperty("file").GetString() == "example-forbund.yaml");
    }

    [Fact]
    public async Task A_submitted_run_gives_the_same_result_as_the_engine_and_a_swedish_report()
    {
        var response = await Http.PostAsync("api/runs?scenario=example-forbund.yaml&replicates=12", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var status = await WaitAsync(runId);
        Assert.Equal("completed", status.GetProperty("state").GetString());
        Assert.Equal(12, status.GetProperty("completed").GetInt32());

        var json = await Http.GetStringAsync($"api/runs/{runId}/result");
        Assert.Equal(await Simulation.InProcessJsonAsync(Simulation.Example(), 12), json);

        var report = await Http.GetStringAsync($"api/runs/{runId}/report");
        Assert.Contains("<svg", report, StringComparison.Ordinal);
        Assert.Contains("lang=\"sv\"", report, StringComparison.Ordinal);
        var english = await Http.GetStringAsync($"api/runs/{runId}/report?lang=en");
        Assert.Contains("lang=\"en\"", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_uploaded_scenario_runs_with_the_catalog_it_names()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Simulation.RepoRoot, "scenarios", "example-forbund.yaml"));
        var response = await Http.PostAsync("api/runs?replicates=4&variant=coach-2fte", Yaml(text));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var status = await WaitAsync((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!);
        Assert.Equal("completed", status.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_broken_scenario_gets_400_with_every_problem_and_its_position()
    {
        var text = (await File.ReadAllTextAsync(Path.Combine(Simulation.RepoRoot, "scenarios", "example-forbund.yaml")))
            .Replace("capacity: { places: 8 }", "capacity: { places: -8 }", StringComparison.Ordinal)
            .Replace("give_up: 0.03", "give_up: 3", StringComparison.Ordinal);
        var response = await Http.PostAsync("api/runs", Yaml(text));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var problems = body.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.True(p.GetProperty("line").GetInt32() > 0));
        Assert.Contains(problems, p => p.GetProperty("message").GetString()!.Contains("capacity must be greater than 0", StringComparison.Ordinal));

        response = await Http.PostAsync("api/runs", Yaml("forbund: { name: [unclosed"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_uploaded_scenario_is_checked_without_running_it()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Simulation.RepoRoot, "scenarios", "example-forbund.yaml"));
        var entry = await (await Http.PostAsync("api/scenarios/inspect", Yaml(text))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Exempelförbundet", entry.GetProperty("name").GetString());
        Assert.Contains(entry.GetProperty("variants").EnumerateArray(), v => v.GetProperty("name").GetString() == "coach-2fte");

        var response = await Http.PostAsync("api/scenarios/inspect", Yaml(text.Replace("capacity: { places: 8 }", "capacity: { places: -8 }", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems").EnumerateArray());
        Assert.True(problem.GetProperty("line").GetInt32() > 0);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("api/scenarios/inspect", Yaml(""))).StatusCode);
    }

    [Fact]
    public async Task An_identity_number_is_refused_and_never_echoed()
    {
        var text = (await File.ReadAllTextAsync(Path.Combine(Simulation.RepoRoot, "scenarios", "example-forbund.yaml"))) + "\n# handläggare 19850312-1234\n";
        var response = await Http.PostAsync("api/runs", Yaml(text));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("identity number", body, StringComparison.Ordinal);
        Assert.DoesNotContain("0312-1234", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_requests_get_clear_4xx_answers_never_500()
    {
        var big = new string('a', 2 * 1024 * 1024);
        // Asking first, as curl does for large bodies: the server refuses before the body is sent.
        // Without it the server may close the connection while the client is still writing.
        using var tooBig = new HttpRequestMessage(HttpMethod.Post, "api/runs") { Content = Yaml(big) };
        tooBig.Headers.ExpectContinue = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Http.SendAsync(tooBig)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("api/runs", Yaml(""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("api/runs", Yaml("just text"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("api/runs?scenario=example-forbund.yaml&replicates=0", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("api/runs?scenario=example-forbund.yaml&replicates=abc", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostAsync("api/runs?scenario=..%2Fsecret.yaml", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("api/runs?scenario=example-forbund.yaml&variant=nope", null)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Http.PostAsync("api/runs", new StringContent("x", Encoding.UTF8, "image/png"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("api/runs/no-such-run")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("api/runs/no-such-run/result")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("api/throughput?scenario=example-forbund.yaml&insats=nope", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("api/throughput?scenario=example-forbund.yaml&insats=coach&maxWait=-1", null)).StatusCode);
    }

    [Fact]
    public async Task A_running_run_has_no_result_yet_and_can_be_cancelled()
    {
        var response = await Http.PostAsync("api/runs?scenario=example-forbund.yaml&replicates=3000", null);
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        Assert.Equal(HttpStatusCode.Conflict, (await Http.GetAsync($"api/runs/{runId}/result")).StatusCode);
        var cancelled = await (await Http.PostAsync($"api/runs/{runId}/cancel", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Throughput_answers_a_planners_question_and_finds_the_capacity_for_a_wait_target()
    {
        var answer = await (await Http.PostAsync("api/throughput?scenario=example-forbund.yaml&insats=coach&replicates=8&maxWait=1", null))
            .Content.ReadFromJsonAsync<JsonElement>();
        var t = answer.GetProperty("throughput");
        Assert.Equal("coach", t.GetProperty("insats").GetString());
        Assert.True(t.GetProperty("admissionsPerMonth").GetProperty("mean").GetDouble() > 0);
        Assert.True(answer.GetProperty("required").GetProperty("places").GetInt32() > 0);
    }

    [Fact]
    public async Task The_openapi_document_and_the_page_are_served()
    {
        var doc = await Http.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        var paths = doc.GetProperty("paths");
        foreach (var p in new[] { "/api/runs", "/api/runs/{id}", "/api/runs/{id}/result", "/api/runs/{id}/report", "/api/throughput", "/api/scenarios", "/api/scenarios/inspect" })
            Assert.True(paths.TryGetProperty(p, out _), p);
        var page = await Http.GetStringAsync("");
        Assert.Contains("lang=\"sv\"", page, StringComparison.Ordinal);
        Assert.Contains("/app.js", page, StringComparison.Ordinal);
        foreach (var (asset, type) in new[] { ("app.js", "text/javascript"), ("app.css", "text/css"), ("", "text/html") })
        {
            using var response = await Http.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"{type}; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        }
    }
}

public sealed class HttpApiKeyTests
{
    [Fact]
    public void Listening_beyond_loopback_without_an_api_key_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new HttpOptions { Port = 8080, Bind = "0.0.0.0" }.Validate());
        Assert.Contains("API key", e.Message, StringComparison.Ordinal);
        new HttpOptions { Port = 8080, Bind = "0.0.0.0", ApiKey = "s3cret" }.Validate();
    }

    [Fact]
    public async Task With_an_api_key_requests_without_it_are_refused()
    {
        var port = FinsamSiloConfiguration.FreeLoopbackPort();
        await using var app = await WebHostFactory.StartEmbeddedAsync(new HttpOptions { Port = port, ApiKey = "s3cret", Scenarios = Path.Combine(Simulation.RepoRoot, "scenarios") });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/scenarios")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "api/scenarios") { Headers = { { HttpOptions.ApiKeyHeader, "guess" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "api/scenarios") { Headers = { { HttpOptions.ApiKeyHeader, "s3cret" } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(right)).StatusCode);
        await app.StopAsync();
    }
}
