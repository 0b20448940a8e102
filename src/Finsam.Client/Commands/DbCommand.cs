using System.CommandLine;
using Finsam.Client.Running;
using Finsam.Silo;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary><c>finsam db init --connection …</c>: creates or updates the cluster's PostgreSQL schema (idempotent).</summary>
public static class DbCommand
{
    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var init = new Command("init", "Create or update the PostgreSQL schema a Finsam cluster needs (membership, run storage). Safe to run again.");
        backends.AddConnectionTo(init);
        init.SetAction(async (parse, ct) =>
        {
            var options = backends.ClusterOptions(parse);
            await CommonOptions.CheckDatabaseAsync(options.ConnectionString!, ct);
            await DbSchema.ApplyAsync(options.ConnectionString!, ct);
            console.MarkupLine("[green]schema applied[/]");
            return 0;
        });
        return new Command("db", "Database set-up for a PostgreSQL cluster.") { init };
    }
}
