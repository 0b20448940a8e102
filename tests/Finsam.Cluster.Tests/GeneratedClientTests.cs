using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using Finsam.Silo;
using Finsam.Silo.Http;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace Finsam.Cluster.Tests;

/// <summary>
/// The served OpenAPI document is one a real client can be made from: NSwag generates a C# client
/// from /openapi/v1.json, Roslyn compiles it, and a scenario runs end to end through it — submit,
/// poll, result, report — on a server without an API key and on one with a key (where the client
/// without the key is refused with 401).
/// </summary>
public sealed class GeneratedClientTests(ITestOutputHelper output)
{
    private const string Key = "test-key-0123456789";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_generated_from_the_document_runs_a_scenario(bool withKey)
    {
        var port = FinsamSiloConfiguration.FreeLoopbackPort();
        var app = await WebHostFactory.StartEmbeddedAsync(new HttpOptions
        {
            Port = port,
            Scenarios = Path.Combine(Simulation.RepoRoot, "scenarios"),
            ApiKey = withKey ? Key : "",
        });
        try
        {
            using var plain = new HttpClient();
            var document = await plain.GetStringAsync($"http://127.0.0.1:{port}/openapi/v1.json");
            var clientType = await CompileClientAsync(document);

            if (withKey)
            {
                // Without the key: refused with the documented 401.
                var refused = await Assert.ThrowsAnyAsync<Exception>(() => CallAsync(New(clientType, plain, port), "ListScenariosAsync"));
                Assert.Equal(401, (int)refused.GetType().GetProperty("StatusCode")!.GetValue(refused)!);
            }

            using var http = new HttpClient();
            if (withKey) http.DefaultRequestHeaders.Add(HttpOptions.ApiKeyHeader, Key);
            var client = New(clientType, http, port);

            var scenarios = await CallAsync(client, "ListScenariosAsync");
            Assert.Contains("example-forbund.yaml", JsonSerializer.Serialize(scenarios));

            const int replicates = 6;
            var accepted = await CallAsync(client, "SubmitRunAsync",
                ("body", ""), ("scenario", "example-forbund.yaml"), ("replicates", (int?)replicates));
            var runId = (string)Prop(accepted!, "RunId")!;
            output.WriteLine($"submitted {runId}");

            object? status = null;
            for (var k = 0; k < 600; k++)
            {
                status = await CallAsync(client, "GetRunAsync", ("id", runId));
                if ((string)Prop(status!, "State")! is "completed" or "failed" or "cancelled") break;
                await Task.Delay(100);
            }
            Assert.Equal("completed", Prop(status!, "State"));
            Assert.Equal(replicates, Prop(status!, "Completed"));

            var result = await ReadFileAsync(await CallAsync(client, "GetRunResultAsync", ("id", runId)));
            Assert.Equal(await Simulation.InProcessJsonAsync(Simulation.Example(), replicates), result);
            var report = await ReadFileAsync(await CallAsync(client, "GetRunReportAsync", ("id", runId), ("lang", "en")));
            Assert.Contains("lang=\"en\"", report, StringComparison.Ordinal);

            // A documented 4xx comes back as the client's exception with its status.
            var missing = await Assert.ThrowsAnyAsync<Exception>(() => CallAsync(client, "GetRunAsync", ("id", "no-such-run")));
            Assert.Equal(404, (int)missing.GetType().GetProperty("StatusCode")!.GetValue(missing)!);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>NSwag's C# client for the document, compiled in memory; returns the client class.</summary>
    private async Task<Type> CompileClientAsync(string json)
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(json);
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "FinsamClient",
            GenerateClientInterfaces = false,
            UseBaseUrl = true,
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            CSharpGeneratorSettings = { Namespace = "Generated", JsonLibrary = CSharpJsonLibrary.SystemTextJson },
        };
        var code = new CSharpClientGenerator(document, settings).GenerateFile();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("FinsamGeneratedClient",
            [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var dll = new MemoryStream();
        var emitted = compilation.Emit(dll);
        Assert.True(emitted.Success, "the generated client does not compile:\n" +
            string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        dll.Position = 0;
        var assembly = new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(dll);
        output.WriteLine($"generated {code.Split('\n').Length} lines; operations: " +
            string.Join(", ", assembly.GetType("Generated.FinsamClient")!.GetMethods().Where(m => m.Name.EndsWith("Async") && m.GetParameters().LastOrDefault()?.ParameterType != typeof(CancellationToken)).Select(m => m.Name)));
        return assembly.GetType("Generated.FinsamClient")!;
    }

    private static object New(Type client, HttpClient http, int port)
    {
        var instance = Activator.CreateInstance(client, http)!;
        client.GetProperty("BaseUrl")!.SetValue(instance, $"http://127.0.0.1:{port}");
        return instance;
    }

    /// <summary>Calls an operation by name with named arguments (the rest null); the task's result.</summary>
    private static async Task<object?> CallAsync(object client, string operation, params (string Name, object? Value)[] args)
    {
        var method = client.GetType().GetMethods()
            .Where(m => m.Name == operation)
            .OrderBy(m => m.GetParameters().Length)
            .First();
        var values = method.GetParameters().Select(p => args.FirstOrDefault(a => a.Name == p.Name) is { Name: not null } a ? a.Value : null).ToArray();
        var task = (Task)method.Invoke(client, values)!;
        try
        {
            await task;
        }
        catch (Exception) when (task.Exception?.InnerException is { } inner)
        {
            throw inner;
        }
        return task.GetType().GetProperty("Result")?.GetValue(task);
    }

    private static object? Prop(object o, string name) => o.GetType().GetProperty(name)!.GetValue(o);

    private static async Task<string> ReadFileAsync(object? fileResponse)
    {
        Assert.NotNull(fileResponse);
        using var stream = (Stream)Prop(fileResponse, "Stream")!;
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();
        ((IDisposable)fileResponse).Dispose();
        return text;
    }
}
