using System.CommandLine;
using System.CommandLine.Parsing;
using Finsam.Core.Loading;

namespace Finsam.Client.Commands;

/// <summary>Arguments and options several commands share, with their help texts.</summary>
public static class CommonOptions
{
    public static Argument<FileInfo> ScenarioFile() => new("file")
    {
        Description = "Scenario file (YAML). See docs/scenario-format.md.",
    };

    public static Option<string?> Variant() => new("--variant", "-v")
    {
        Description = "Apply a named variant of the scenario (its 'variants:' section), e.g. another budget split.",
    };

    public static Option<int?> Replicates() => new("--replicates", "-n")
    {
        Description = "Number of Monte Carlo replicates (default: the scenario's 'replicates').",
        Validators = { Positive },
    };

    public static Option<ulong?> Seed() => new("--seed", "-s")
    {
        Description = "Random seed (default: the scenario's 'seed'). The same seed gives identical numbers.",
    };

    public static Option<FileInfo?> Overlay() => new("--overlay")
    {
        Description = "Apply a scenario overlay after the variant (fitted values written by 'finsam calibrate'; see docs/scenario-format.md §12).",
    };

    /// <summary>Reads the scenario and, if given, its overlay; a missing file is reported as a diagnostic.</summary>
    public static (ScenarioSource? Source, Diagnostic? Missing) ReadSource(FileInfo file, FileInfo? overlay)
    {
        if (!file.Exists) return (null, new Diagnostic(new SourcePos(file.ToString(), 0, 0), "", "file not found"));
        if (overlay is not null && !overlay.Exists) return (null, new Diagnostic(new SourcePos(overlay.ToString(), 0, 0), "", "overlay file not found"));
        var source = ScenarioSource.FromFile(file.FullName);
        return (overlay is null ? source : source.WithOverlay(overlay.FullName), null);
    }

    public static Option<DirectoryInfo?> Out() => new("--out", "-o")
    {
        Description = "Write result.json and CSV files into this folder.",
    };

    private static void Positive(OptionResult r)
    {
        if (r.GetValueOrDefault<int?>() is < 1) r.AddError($"{r.Option.Name} must be at least 1");
    }
}
