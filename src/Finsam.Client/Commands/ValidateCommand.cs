using System.CommandLine;
using Finsam.Client.Output;
using Finsam.Core.Loading;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary><c>finsam validate FILE</c>: checks a scenario and all its variants; exit code 2 on problems.</summary>
public static class ValidateCommand
{
    public const int InvalidScenario = 2;

    public static Command Create(IAnsiConsole console)
    {
        var file = CommonOptions.ScenarioFile();
        var cmd = new Command("validate", "Check a scenario file and every variant in it. Lists every problem with file, line, column and field; exit code 2 when there is any.")
        {
            file,
        };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var (source, problems) = Check(path.FullName, path.ToString());
            if (problems.Count > 0)
            {
                DiagnosticPrinter.Write(console, problems, source);
                return InvalidScenario;
            }
            var scenario = ScenarioLoader.Load(source!);
            console.MarkupLineInterpolated($"[green]valid[/]: {scenario.Name} — {scenario.Parties.Count} parties, {scenario.Insatser.Count} insatser, {scenario.Referrals.Count} referral flows, {scenario.Recorded.Count} recorded results, {scenario.Variants.Count} variants");
            return 0;
        });
        return cmd;
    }

    /// <summary>Reads and checks a file; problems include a missing file.</summary>
    public static (ScenarioSource? Source, IReadOnlyList<Diagnostic> Problems) Check(string fullPath, string shown)
    {
        if (!File.Exists(fullPath))
            return (null, [new Diagnostic(new SourcePos(shown, 0, 0), "", "file not found")]);
        var source = ScenarioSource.FromFile(fullPath);
        return (source, ScenarioLoader.Validate(source));
    }
}
