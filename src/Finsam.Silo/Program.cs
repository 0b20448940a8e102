using System.Net;
using Finsam.Silo;
using Finsam.Silo.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Dashboard;

return await SiloProgram.RunAsync(args);

/// <summary>Entry point of the Finsam silo executable.</summary>
internal static class SiloProgram
{
    private const string Usage = """
        Finsam silo

          Finsam.Silo [options]                      run a silo until Ctrl-C / SIGTERM
          Finsam.Silo db init --connection "..."     create/update the PostgreSQL schema (idempotent)

        Options (also appsettings.json, or FINSAM_<Section>__<Key> environment variables):
          --cluster embedded|postgres   Cluster:Mode            (default embedded)
          --connection "Host=..."       Cluster:ConnectionString (postgres mode, db init)
          --cluster-id ID               Cluster:ClusterId       (default finsam)
          --service-id ID               Cluster:ServiceId       (default finsam)
          --silo-name NAME              Cluster:SiloName
          --silo-port N                 Cluster:SiloPort        (default 11111)
          --gateway-port N              Cluster:GatewayPort     (default 30000, 0 = none)
          --advertised-ip IP            Cluster:AdvertisedIp    (default 127.0.0.1)
          --dashboard-port N            Dashboard:Port          (default 8081 on 127.0.0.1, 0 = off)
          --telemetry console|otlp      Telemetry:Exporter      (or Telemetry:Console=true)
          --otlp-endpoint URL           Telemetry:OtlpEndpoint
          --http-port N                 Http:Port               (HTTP API and web page; default 8080, 0 = off)
          --http-bind IP                Http:Bind               (default 127.0.0.1; anything else needs --api-key)
          --api-key KEY                 Http:ApiKey             (required in the X-Api-Key header when set)
          --scenarios DIR               Http:Scenarios          (shipped scenarios offered on the page)
          --parent-pid PID              Host:ParentPid          (stop when that process is gone)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help" or "help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        try
        {
            if (args.Length >= 1 && args[0] == "db")
                return await DbCommandAsync(args);
            return await RunSiloAsync(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"finsam-silo: {e.Message}");
            return 2;
        }
    }

    private static async Task<int> DbCommandAsync(string[] args)
    {
        if (args.Length < 2 || args[1] != "init")
        {
            Console.Error.WriteLine("finsam-silo: unknown db command; use: db init --connection \"...\"");
            return 2;
        }

        var cluster = FinsamConfiguration.GetClusterOptions(FinsamConfiguration.Build(args));
        if (string.IsNullOrWhiteSpace(cluster.ConnectionString))
        {
            Console.Error.WriteLine("finsam-silo: db init needs --connection \"Host=...;Database=...\" (or FINSAM_Cluster__ConnectionString).");
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            await DbSchema.ApplyAsync(cluster.ConnectionString, cts.Token);
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException or InvalidOperationException)
        {
            Console.Error.WriteLine($"finsam-silo: db init failed on {Describe(cluster.ConnectionString)}: {e.Message}");
            return 1;
        }
        Console.WriteLine($"Finsam schema applied to {Describe(cluster.ConnectionString)}.");
        return 0;
    }

    private static async Task<int> RunSiloAsync(string[] args)
    {
        var cluster = FinsamConfiguration.GetClusterOptions(FinsamConfiguration.Build(args));
        var dashboard = FinsamConfiguration.GetDashboardOptions(FinsamConfiguration.Build(args));
        var http = FinsamConfiguration.GetHttpOptions(FinsamConfiguration.Build(args));
        cluster.Validate();
        http.Validate();
        if (dashboard.Port is < 0 or > 65535)
            throw new ArgumentException($"Dashboard:Port (--dashboard-port) {dashboard.Port} is not a TCP port.");

        if (cluster.Mode == ClusterMode.Postgres)
        {
            try
            {
                await DbSchema.EnsureAppliedAsync(cluster.ConnectionString!);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                Console.Error.WriteLine($"finsam-silo: cannot use {Describe(cluster.ConnectionString!)}: {e.Message}");
                return 1;
            }
        }

        // The dashboard and the HTTP API need an ASP.NET Core host; without them a plain generic host will do.
        // Raw args are not given to the host: AddFinsamSources adds them with the switch mappings.
        IHostApplicationBuilder builder = dashboard.Port > 0 || http.Port > 0
            ? WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddFinsamSources(args);

        // Re-read: the host's configuration is the one that counts (same sources plus DOTNET_ ones).
        cluster = FinsamConfiguration.GetClusterOptions(builder.Configuration);
        var telemetry = FinsamConfiguration.GetTelemetryOptions(builder.Configuration);

        builder.UseOrleans(silo =>
        {
            FinsamSiloConfiguration.Configure(silo, cluster);
            if (dashboard.Port > 0)
                silo.AddDashboard();
        });
        builder.Services.AddFinsamTelemetry(telemetry, "finsam-silo", cluster.EffectiveSiloName);
        if (builder.Configuration.GetValue<int?>("Host:ParentPid") is int parentPid and > 0)
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
            await host.StartAsync();
            var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Finsam.Silo");
            var dashboardText = dashboard.Port > 0 ? $"http://127.0.0.1:{dashboard.Port}/" : "off";
            var httpText = http.Port > 0 ? $"http://{http.Bind}:{http.Port}/" : "off";
            var telemetryText = telemetry.Enabled ? $"console={telemetry.ConsoleEnabled} otlp={telemetry.OtlpEnabled}" : "off";
            if (log.IsEnabled(LogLevel.Information))
                log.LogInformation(
                "Finsam silo {SiloName} started: mode {Mode}, cluster {ClusterId}, silo port {SiloPort}, gateway port {GatewayPort}, web {Http}, dashboard {Dashboard}, telemetry {Telemetry}",
                cluster.EffectiveSiloName, cluster.Mode, cluster.ClusterId, cluster.SiloPort, cluster.GatewayPort, httpText, dashboardText, telemetryText);
            await host.WaitForShutdownAsync();
        }
        return 0;
    }

    private static string Describe(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"Host={b.Host};Port={b.Port};Database={b.Database}";
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }
}
