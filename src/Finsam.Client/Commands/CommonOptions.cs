using System.CommandLine;
using System.CommandLine.Parsing;

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

    public static Option<DirectoryInfo?> Out() => new("--out", "-o")
    {
        Description = "Write result.json and CSV files into this folder.",
    };

    private static void Positive(OptionResult r)
    {
        if (r.GetValueOrDefault<int?>() is < 1) r.AddError($"{r.Option.Name} must be at least 1");
    }
}
