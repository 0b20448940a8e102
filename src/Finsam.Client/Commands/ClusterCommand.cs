using System.CommandLine;
using Finsam.Client.Running;
using Finsam.Grains;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary><c>finsam cluster status --connection …</c>: the silos of a running cluster.</summary>
public static class ClusterCommand
{
    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var status = new Command("status", "List the active silos of a running PostgreSQL cluster.");
        backends.AddConnectionTo(status);
        status.SetAction(async (parse, ct) =>
        {
            await using var backend = OrleansBackend.Cluster(backends.ClusterOptions(parse));
            await CommonOptions.CheckDatabaseAsync(backends.ClusterOptions(parse).ConnectionString!, ct);
            var client = await backend.ConnectAsync(ct);
            var s = await client.GetGrain<IClusterStatusGrain>(0).GetStatusAsync();
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Cluster {Markup.Escape(s.ClusterId)}[/]");
            table.AddColumns("Silo", "Address", "Host", "Status", "Gateway", "Started (UTC)");
            foreach (var silo in s.ActiveSilos)
                table.AddRow(Markup.Escape(silo.Name), Markup.Escape(silo.Address), Markup.Escape(silo.HostName), silo.Status, silo.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), silo.StartTimeUtc?.ToString("u") ?? "");
            console.Write(table);
            return 0;
        });
        return new Command("cluster", "Inspect a running cluster.") { status };
    }
}
