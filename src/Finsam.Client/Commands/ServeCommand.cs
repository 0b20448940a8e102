using System.CommandLine;
using Finsam.Client.Running;
using Finsam.Silo;
using Finsam.Silo.Http;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary><c>finsam serve</c>: the web page and HTTP API around an embedded silo, on this machine.</summary>
public static class ServeCommand
{
    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var port = new Option<int>("--port", "-p") { Description = "Port of the web page and API.", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind") { Description = "Address to listen on; anything but 127.0.0.1 requires --api-key.", DefaultValueFactory = _ => "127.0.0.1" };
        var apiKey = new Option<string?>("--api-key") { Description = "Require this key in the X-Api-Key header of every API request." };
        var scenarios = new Option<DirectoryInfo?>("--scenarios") { Description = "Folder of scenarios to offer (default: the repository's scenarios/)." };
        var cmd = new Command("serve", "Serve the web page and HTTP API (with an OpenAPI document) on an embedded silo: pick or upload a scenario, choose variants, run, watch progress, read the report.")
        {
            port, bind, apiKey, scenarios, backends.Telemetry, backends.OtlpEndpoint,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var http = new HttpOptions
            {
                Port = parse.GetValue(port),
                Bind = parse.GetValue(bind)!,
                ApiKey = parse.GetValue(apiKey),
                Scenarios = parse.GetValue(scenarios)?.FullName,
            };
            try
            {
                http.Validate();
            }
            catch (ArgumentException e)
            {
                console.MarkupLineInterpolated($"[red]{e.Message}[/]");
                return 2;
            }
            await using var app = await WebHostFactory.StartEmbeddedAsync(http,
                backends.TelemetryOptions(parse), ct);
            console.MarkupLineInterpolated($"Finsam is at [bold]http://{http.Bind}:{http.Port}/[/] (API: /api, OpenAPI: /openapi/v1.json). Ctrl-C stops it.");
            try
            {
                await app.WaitForShutdownAsync(ct);
            }
            catch (OperationCanceledException)
            {
            }
            await app.StopAsync(CancellationToken.None);
            return 0;
        });
        return cmd;
    }
}
