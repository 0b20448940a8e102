using System.CommandLine;
using Finsam.Client.Commands;
using Finsam.Client.Output;
using Finsam.Client.Running;
using Spectre.Console;

namespace Finsam.Client;

public static class Program
{
    public static Task<int> Main(string[] args)
    {
        Core.Diagnostics.Timings.Mark("Main entered");
        Core.Diagnostics.AllocationSampler.StartIfAsked();
        var console = AnsiConsole.Console;
        // Piped or redirected, Spectre falls back to 80 columns and cuts wide tables (bench, compare);
        // a file or a pipe has no width, so give it room unless COLUMNS says otherwise.
        if (Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COLUMNS")))
            console.Profile.Width = 160;
        return InvokeAsync(console, new BackendOptions(), args);
    }

    /// <summary>The command line with one fixed backend (tests).</summary>
    public static RootCommand Build(IAnsiConsole console, Func<Core.Simulation.IReplicateRunner> backend) => Build(console, BackendOptions.Fixed(backend));

    public static RootCommand Build(IAnsiConsole console, BackendOptions backends)
    {
        var root = new RootCommand(
            "Finsam: simulate and forecast a samordningsförbund's insatser — people served, exits to work or studies, " +
            "income states, queues and waits, and what each party pays — with honest uncertainty.")
        {
            RunCommand.Create(console, backends),
            ValidateCommand.Create(console),
            CalibrateCommand.Create(console, backends),
            BacktestCommand.Create(console, backends),
            LearnCommand.Create(console),
            BenchCommand.Create(console),
            DbCommand.Create(console, backends),
            ClusterCommand.Create(console, backends),
            ResultCommand.Create(console, backends),
            ServeCommand.Create(console, backends),
            CompareCommand.Create(console, backends),
            OptimiseCommand.Create(console, backends),
            ReportCommand.Create(console),
            ThroughputCommand.Create(console, backends),
        };
        return root;
    }

    /// <summary>
    /// Parses and runs a command line. Every failure ends as one clear line and an exit code
    /// (see <see cref="ExitCodes"/>), never a stack trace: bad options and bad input exit 2.
    /// </summary>
    public static async Task<int> InvokeAsync(IAnsiConsole console, BackendOptions backends, string[] args, TextWriter? output = null, CancellationToken ct = default)
    {
        try
        {
            var parse = Build(console, backends).Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var e in parse.Errors) ErrorLine.Write(console, OptionErrors.Readable(e.Message));
                console.MarkupLine("[grey]See 'finsam --help' or 'finsam COMMAND --help'.[/]");
                return ExitCodes.BadInput;
            }
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (output is not null) { config.Output = output; config.Error = output; }
            return await parse.InvokeAsync(config, ct);
        }
        catch (Core.Loading.ScenarioException e)
        {
            DiagnosticPrinter.Write(console, e.Diagnostics, null);
            return ExitCodes.BadInput;
        }
        catch (Core.Loading.WorkBudgetException e)
        {
            ErrorLine.Write(console, $"{e.Message}. Nothing was run or written.");
            return ExitCodes.BadInput;
        }
        catch (UsageException e)
        {
            ErrorLine.Write(console, e.Message);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]Cancelled.[/] Nothing was written.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            ErrorLine.Write(console, ErrorLine.Describe(e));
            return ExitCodes.Failed;
        }
    }
}
