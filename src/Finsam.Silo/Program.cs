using System.Net;
using Finsam.Silo;
using Finsam.Silo.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Dashboard;

return await SiloCommandLine.InvokeAsync(SiloCommandLine.Create(SiloProgram.RunSiloAsync), args);

/// <summary>Runs a silo with the configuration the command line built (see <see cref="SiloCommandLine"/>).</summary>
internal static class SiloProgram
{
    public static async Task<int> RunSiloAsync(IConfigurationRoot configuration, Dictionary<string, string?> switches, IReadOnlyList<string> extraArgs, CancellationToken ct)
    {
        // One configuration, validated before anything is built: the silo's shape depends on it.
        var failures = new List<string>();
        var cluster = new ClusterOptionsValidator().Check(FinsamConfiguration.GetClusterOptions(configuration), failures);
        var dashboard = new DashboardOptionsValidator().Check(FinsamConfiguration.GetDashboardOptions(configuration), failures);
        var http = new HttpOptionsValidator().Check(FinsamConfiguration.GetHttpOptions(configuration), failures);
        var telemetry = new TelemetryOptionsValidator().Check(FinsamConfiguration.GetTelemetryOptions(configuration), failures);
        if (failures.Count > 0) throw new OptionsValidationException(Options.DefaultName, typeof(FinsamClusterOptions), failures);

        if (cluster.Mode == ClusterMode.Postgres)
        {
            try
            {
                await DbSchema.EnsureAppliedAsync(cluster.ConnectionString!, ct);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"finsam-silo: cannot use {ConnectionStrings.Describe(cluster.ConnectionString)}: {ConnectionStrings.Redact(e.Message, cluster.ConnectionString)}");
                return 1;
            }
        }

        // The dashboard and the HTTP API need an ASP.NET Core host; without them a plain generic host will do.
        // Raw args are not given to the host; the configuration above is added on top of the host's defaults
        // (which bring Logging settings from appsettings.json and the environment).
        IHostApplicationBuilder builder = dashboard.Port > 0 || http.Port > 0
            ? WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddFinsamOptions(configuration);

        builder.UseOrleans(silo =>
        {
            FinsamSiloConfiguration.Configure(silo, cluster);
            if (dashboard.Port > 0)
                silo.AddDashboard();
        });
        builder.Services.AddFinsamTelemetry(telemetry, "finsam-silo", cluster.EffectiveSiloName);
        if (configuration.GetValue<int?>("Host:ParentPid") is int parentPid and > 0)
            builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ParentWatchdog>(sp, parentPid));

        IHost host;
        if (builder is WebApplicationBuilder web)
        {
            if (http.Port > 0) web.Services.AddFinsamWeb(http);
            web.WebHost.ConfigureKestrel(k =>
            {
                if (dashboard.Port > 0) k.Listen(IPAddress.Loopback, dashboard.Port);
                if (http.Port > 0) k.Listen(http.Address, http.Port);
            });
            var app = web.Build();
            if (dashboard.Port > 0)
            {
                // The dashboard answers on its own port only, so its routes never meet the API's.
                app.MapWhen(c => c.Connection.LocalPort == dashboard.Port, d =>
                {
                    d.UseRouting();
                    d.UseEndpoints(e => e.MapOrleansDashboard());
                });
            }
            app.UseRouting();
            if (http.Port > 0) app.MapFinsamWeb();
            host = app;
        }
        else
        {
            host = ((HostApplicationBuilder)builder).Build();
        }

        using (host)
        {
            await host.StartAsync(ct);
            var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Finsam.Silo");
            var dashboardText = dashboard.Port > 0 ? $"http://127.0.0.1:{dashboard.Port}/" : "off";
            var httpText = http.Port > 0 ? $"http://{http.Bind}:{http.Port}/" : "off";
            var telemetryText = telemetry.Enabled ? $"console={telemetry.ConsoleEnabled} otlp={telemetry.OtlpEnabled}" : "off";
            var storeText = cluster.Mode == ClusterMode.Postgres ? ConnectionStrings.Describe(cluster.ConnectionString) : "memory";
            if (log.IsEnabled(LogLevel.Information))
                log.LogInformation(
                "Finsam silo {SiloName} started: mode {Mode}, cluster {ClusterId}, store {Store}, silo port {SiloPort}, gateway port {GatewayPort}, web {Http}, dashboard {Dashboard}, telemetry {Telemetry}",
                cluster.EffectiveSiloName, cluster.Mode, cluster.ClusterId, storeText, cluster.SiloPort, cluster.GatewayPort, httpText, dashboardText, telemetryText);
            await host.WaitForShutdownAsync(ct);
        }
        return 0;
    }
}
