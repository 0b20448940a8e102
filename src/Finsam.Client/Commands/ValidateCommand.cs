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
        var overlay = CommonOptions.Overlay();
        var cmd = new Command("validate", "Check a scenario file and every variant in it, or an evidence file or folder (docs/evidence-format.md) (with --overlay, the overlay applied to each). Lists every problem with file, line, column and field; exit code 2 when there is any.")
        {
            file, overlay,
        };
        cmd.SetAction(parse =>
        {
            // An evidence file or folder (docs/evidence-format.md) is checked by the evidence loader.
            if (EvidenceCheck.IsEvidence(parse.GetValue(file)!.ToString())) return EvidenceCheck.Validate(console, parse.GetValue(file)!.ToString());
            var (source, missing) = CommonOptions.ReadSource(parse.GetValue(file)!, parse.GetValue(overlay));
            var problems = missing is not null ? [missing] : ScenarioLoader.Validate(source!);
            if (problems.Count > 0)
            {
                DiagnosticPrinter.Write(console, problems, source);
                return InvalidScenario;
            }
            var fitted = source!.Overlay is { } ov ? ScenarioLoader.OverlayVariant(ov) : null;
            var scenario = ScenarioLoader.Load(source, fitted);
            foreach (var note in scenario.PriorsNotes) console.MarkupLineInterpolated($"[grey]priors: {note}[/]");
            console.MarkupLineInterpolated($"[green]valid[/]: {scenario.Name} — {scenario.Parties.Count} parties, {scenario.Insatser.Count} insatser, {scenario.Referrals.Count} referral flows, {scenario.Recorded.Count} recorded results, {scenario.Variants.Count} variants{(scenario.Overlay is null ? "" : $", overlay {scenario.Overlay}")}");
            return 0;
        });
        return cmd;
    }

    /// <summary>Reads and checks a file; problems include a missing file.</summary>
    public static (ScenarioSource? Source, IReadOnlyList<Diagnostic> Problems) Check(string fullPath, string shown)
    {
        if (!File.Exists(fullPath) && !Directory.Exists(fullPath))
            return (null, [new Diagnostic(new SourcePos(shown, 0, 0), "", "file not found")]);
        var source = ScenarioSource.FromFile(fullPath);
        return (source, ScenarioLoader.Validate(source));
    }
}
