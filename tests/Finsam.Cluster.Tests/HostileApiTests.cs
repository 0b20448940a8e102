using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Finsam.Cluster.Tests;

/// <summary>
/// The HTTP API under hostile requests: every refusal is problem details with a 4xx status, never a
/// 500 or a reset; work-budget limits hold for uploads; identity numbers are never echoed; 200
/// concurrent requests of mixed kinds are all answered; and a fuzzer posts mutated scenarios.
/// </summary>
public sealed class HostileApiTests(WebHostFixture web) : IClassFixture<WebHostFixture>
{
    private HttpClient Http => web.Http;

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private static string Example => File.ReadAllText(Path.Combine(Simulation.RepoRoot, "scenarios", "example-forbund.yaml"));

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Contains(title, body.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Former_500s_are_problem_details_4xx()
    {
        await AssertProblem(await Http.GetAsync("api/runs/any/report?lang=xx"), HttpStatusCode.BadRequest, "lang must be sv or en, not 'xx'");
        await AssertProblem(await Http.PostAsync("api/throughput?scenario=example-forbund.yaml&insats=coach&from=2018-06&to=2016-03", null),
            HttpStatusCode.BadRequest, "from (2018-06) is after to (2016-03)");
        await AssertProblem(await Http.PostAsync("api/throughput?scenario=example-forbund.yaml&insats=coach&from=1990-01", null),
            HttpStatusCode.BadRequest, "is not inside the scenario's horizon");
        await AssertProblem(await Http.GetAsync("api/scenarios/scenario.schema.json"), HttpStatusCode.NotFound, "no scenario 'scenario.schema.json'");
        await AssertProblem(await Http.GetAsync("api/runs/nope"), HttpStatusCode.NotFound, "no run 'nope'");
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("api/scenarios/example-forbund.yaml")).StatusCode);
    }

    [Fact]
    public async Task Uploads_are_held_to_the_work_budget_quickly()
    {
        // replicates inside the YAML used to bypass the API's limit of 5 000.
        await AssertProblem(await Http.PostAsync("api/runs", Yaml(Example.Replace("replicates: 200", "replicates: 100000", StringComparison.Ordinal))), HttpStatusCode.BadRequest,
            "the scenario asks for 100000 replicates; this server runs at most 5000");
        var bomb = new StringBuilder(Example).Append("\nlol:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 9; i++) bomb.Append($"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        foreach (var (text, message) in new[]
                 {
                     (bomb.ToString(), "YAML nodes through its aliases"),
                     (Example + "\nnote: " + new string('[', 5000) + new string(']', 5000) + "\n", "nested more than 64 levels deep"),
                     (Example.Replace("capacity: { places: 8 }", "capacity: { places: 1e12 }", StringComparison.Ordinal), "out of range"),
                 })
        {
            var clock = Stopwatch.StartNew();
            var response = await Http.PostAsync("api/scenarios/inspect", Yaml(text));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{message}: {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems").EnumerateArray());
            Assert.True(problem.GetProperty("line").GetInt32() > 0);
            Assert.Contains(message, problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_upload_with_a_broken_variant_is_refused_as_validate_refuses_it()
    {
        // The base is valid; only the variant names an insats that does not exist. The API used to run around it.
        var broken = Example.Replace("insatser[coach].capacity.fte: 2", "insatser[coch].capacity.fte: 2", StringComparison.Ordinal);
        Assert.NotEqual(Example, broken);
        foreach (var path in new[] { "api/scenarios/inspect", "api/runs?replicates=2", "api/throughput?insats=coach&replicates=2" })
        {
            var response = await Http.PostAsync(path, Yaml(broken));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems").EnumerateArray());
            Assert.True(problem.GetProperty("line").GetInt32() > 0, path);
            Assert.Contains("'insatser' has no item 'coch'", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Identity_numbers_in_ids_keys_and_variants_are_never_echoed()
    {
        var plantings = new[]
        {
            Example.Replace("id: coach", "id: \"19850709-9805\"", StringComparison.Ordinal),
            Example.Replace("forbund:", "850709-9805: x\nforbund:", StringComparison.Ordinal),
            Example + "\n# 8507099805\n",
        };
        foreach (var text in plantings)
            foreach (var path in new[] { "api/runs", "api/scenarios/inspect", "api/throughput?insats=19850709-9805" })
            {
                var response = await Http.PostAsync(path, Yaml(text));
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.DoesNotContain("9805", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        var variant = await Http.PostAsync("api/runs?scenario=example-forbund.yaml&variant=19850709-9805", null);
        Assert.Equal(HttpStatusCode.BadRequest, variant.StatusCode);
        Assert.DoesNotContain("9805", await variant.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_of_mixed_kinds_are_all_answered_without_a_5xx()
    {
        var accepted = await Http.PostAsync("api/runs?scenario=example-forbund.yaml&replicates=4", null);
        var runId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        for (var k = 0; k < 600 && (await Http.GetFromJsonAsync<JsonElement>($"api/runs/{runId}")).GetProperty("state").GetString() != "completed"; k++)
            await Task.Delay(100);

        using var client = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        var bad = Example.Replace("give_up: 0.03", "give_up: 3", StringComparison.Ordinal);
        Func<Task<HttpResponseMessage>>[] kinds =
        [
            () => client.GetAsync($"api/runs/{runId}/report"),
            () => client.GetAsync($"api/runs/{runId}/report?lang=en"),
            () => client.GetAsync($"api/runs/{runId}/result"),
            () => client.GetAsync($"api/runs/{runId}"),
            () => client.GetAsync("api/scenarios"),
            () => client.PostAsync("api/scenarios/inspect", Yaml(Example)),
            () => client.PostAsync("api/scenarios/inspect", Yaml(bad)),
            () => client.GetAsync("api/runs/none/report?lang=xx"),
            () => client.PostAsync("api/throughput?scenario=example-forbund.yaml&insats=coach&from=2018-06&to=2016-03", null),
            () => client.GetAsync("api/scenarios/example-forbund.yaml"),
        ];
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => kinds[i % kinds.Length]()));
        var statuses = responses.GroupBy(r => (int)r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.Keys.All(s => s < 500), $"statuses: {string.Join(", ", statuses.Select(kv => $"{kv.Key}×{kv.Value}"))}");
        Assert.Equal(200, responses.Length);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"{clock.Elapsed.TotalSeconds:0} s");
    }

    [Fact]
    public async Task Mutated_uploads_get_a_clear_answer_never_a_5xx_or_an_echoed_number()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("FINSAM_FUZZ_SECONDS"), out var s) ? s : 10;
        var random = new Random(int.TryParse(Environment.GetEnvironmentVariable("FINSAM_FUZZ_SEED"), out var seed) ? seed : 20261202);
        var clock = Stopwatch.StartNew();
        var cases = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds) || cases < 20)
        {
            cases++;
            var lines = Example.Split('\n').ToList();
            var i = random.Next(lines.Count);
            switch (random.Next(5))
            {
                case 0: lines.RemoveAt(i); break;
                case 1: lines.Insert(i, lines[i]); break;
                case 2: lines[i] += " # 19850709-9805"; break;
                case 3: lines[i] = lines[i].Replace(": ", ": [", StringComparison.Ordinal); break;
                default: lines[i] = lines[i].Replace("0", "1e12", StringComparison.Ordinal); break;
            }
            var path = random.Next(3) switch { 0 => "api/scenarios/inspect", 1 => "api/throughput?insats=coach&replicates=2", _ => "api/runs?replicates=2" };
            var response = await Http.PostAsync(path, Yaml(string.Join('\n', lines)));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"case {cases} ({path}): {(int)response.StatusCode} {body}");
            // Random hex ids (trace and run ids, also inside links such as /api/runs/ID) may hold those digits by
            // chance; everything else may not. An id is 16 or more hex digits in a row, which a personnummer never is.
            var echoed = System.Text.RegularExpressions.Regex.Replace(body, "\"(traceId|runId)\":\"[^\"]*\"|[0-9a-f]{16,}", "");
            Assert.DoesNotContain("9805", echoed, StringComparison.Ordinal);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                var id = JsonDocument.Parse(body).RootElement.GetProperty("runId").GetString();
                await Http.PostAsync($"api/runs/{id}/cancel", null);
            }
        }
    }
}
