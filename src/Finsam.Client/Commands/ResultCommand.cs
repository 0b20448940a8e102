using System.CommandLine;
using Finsam.Client.Output;
using Finsam.Client.Running;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary><c>finsam result RUN_ID --cluster postgres --connection …</c>: a stored run's summary, again.</summary>
public static class ResultCommand
{
    public static Command Create(IAnsiConsole console, BackendOptions backends)
    {
        var id = new Argument<string>("run-id") { Description = "The run's id, as 'finsam run --run-id' set or printed it." };
        var outDir = CommonOptions.Out();
        var cmd = new Command("result", "Show (and with --out write) the stored result of a run on a PostgreSQL cluster.")
        {
            id, outDir,
        };
        backends.AddConnectionTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            OutputCheck.ForFolder(parse.GetValue(outDir));
            await using var backend = OrleansBackend.Cluster(backends.ClusterOptions(parse));
            await CommonOptions.CheckDatabaseAsync(backends.ClusterOptions(parse).ConnectionString!, ct);
            try
            {
                var summary = await backend.FetchAsync(parse.GetValue(id)!, ct);
                TerminalSummary.Write(console, summary);
                RunCommand.WriteResults(console, summary, parse.GetValue(outDir));
                return 0;
            }
            catch (InvalidOperationException e)
            {
                console.MarkupLineInterpolated($"[red]{e.Message}[/]");
                return 1;
            }
        });
        return cmd;
    }
}
