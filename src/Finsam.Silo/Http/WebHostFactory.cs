using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Finsam.Silo.Http;

/// <summary>The web page and HTTP API around an embedded silo, as <c>finsam serve</c> and the tests start it.</summary>
public static class WebHostFactory
{
    public static async Task<WebApplication> StartEmbeddedAsync(HttpOptions http, FinsamTelemetryOptions? telemetry = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        // Start-up advice about server GC is not for users of a command-line tool.
        builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        builder.UseOrleans(silo => FinsamSiloConfiguration.ConfigureEmbedded(silo));
        builder.Services.AddFinsamWeb(http);
        builder.Services.AddFinsamTelemetry(telemetry ?? new FinsamTelemetryOptions(), "finsam-serve");
        builder.WebHost.ConfigureKestrel(k => k.Listen(http.Address, http.Port));
        var app = builder.Build();
        app.UseRouting();
        app.MapFinsamWeb();
        await app.StartAsync(ct);
        return app;
    }
}
