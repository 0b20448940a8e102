using System.CommandLine;
using Finsam.Client.Commands;
using Finsam.Client.Running;
using Spectre.Console;

namespace Finsam.Client;

public static class Program
{
    public static Task<int> Main(string[] args) => Build(AnsiConsole.Console, () => new InProcessBackend()).Parse(args).InvokeAsync();

    public static RootCommand Build(IAnsiConsole console, Func<IRunBackend> backend)
    {
        var root = new RootCommand(
            "Finsam: simulate and forecast a samordningsförbund's insatser — people served, exits to work or studies, " +
            "income states, queues and waits, and what each party pays — with honest uncertainty.")
        {
            RunCommand.Create(console, backend),
            ValidateCommand.Create(console),
            BenchCommand.Create(console),
            CompareCommand.Create(console, backend),
            ReportCommand.Create(console),
            ThroughputCommand.Create(console),
        };
        return root;
    }
}
