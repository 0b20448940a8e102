using System.CommandLine;
using Finsam.Client.Commands;
using Finsam.Client.Running;
using Spectre.Console;

namespace Finsam.Client;

public static class Program
{
    public static Task<int> Main(string[] args) => Build(AnsiConsole.Console, new BackendOptions()).Parse(args).InvokeAsync();

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
            CalibrateCommand.Create(console, backends.WithDefault("in-process")),
            BacktestCommand.Create(console, backends.WithDefault("in-process")),
            BenchCommand.Create(console),
            DbCommand.Create(console, backends),
            ClusterCommand.Create(console, backends),
            ResultCommand.Create(console, backends),
            ServeCommand.Create(console, backends),
            CompareCommand.Create(console, backends),
            ReportCommand.Create(console),
            ThroughputCommand.Create(console, backends.WithDefault("in-process")),
        };
        return root;
    }
}
