using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>Paths in the repository, found from the test's output folder.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Scenarios => Path.Combine(Root, "scenarios");

    public static string Path_(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Finsam.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("Finsam.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// A small, hand-checkable scenario: one FK party, one income state pair, one insats, a referral flow.
/// Tests replace the parts they are about with <see cref="With"/>.
/// </summary>
public sealed class TinyScenario
{
    public string Horizon { get; set; } = "{ start: 2020-01, months: 24 }";
    public int Replicates { get; set; } = 20;
    public ulong Seed { get; set; } = 11;
    public string Budget { get; set; } = """
        budget:
          lines: [ { id: bas } ]
          years: [ { year: 2020, total: 100_000_000, shares: { bas: 1 } } ]
        """;
    public string Parties { get; set; } = """
        parties:
          - { id: FK, kind: FK, share: 1 }
        """;
    public string TargetGroup { get; set; } = "{ id: g, income: { Sjukpenning: 1 }, occupation: { Sjuk: 1 } }";
    public string Referrals { get; set; } = "[ { from: FK, target_group: g, to: a, rate: 20 } ]";
    public string Insatser { get; set; } = """
          - id: a
            kind: individual
            budget_line: bas
            capacity: { places: 10 }
            cost: { per_place_month: 1000 }
            duration: { distribution: geometric, mean: 5 }
            exits: { Arbetande: 1 }
        """;
    public string Baseline { get; set; } = "";
    public string Extra { get; set; } = "";

    public string Yaml() => $$"""
        finsam: 1
        forbund: { name: Tiny }
        horizon: {{Horizon}}
        seed: {{Seed}}
        replicates: {{Replicates}}
        payers:
          - { id: FK, party: FK }
          - { id: ingen }
        income_states:
          - { id: Arbete, payer: ingen, monthly_cost: 0, self_sufficient: true, occupation: Arbetande }
          - { id: Sjukpenning, payer: FK, monthly_cost: 15000 }
        occupations:
          - { id: Arbetande, income: Arbete, outcome: work }
          - { id: Sjuk }
        {{Parties}}
        {{Budget}}
        target_groups:
          - {{TargetGroup}}
        referrals: {{Referrals}}
        insatser:
        {{Insatser}}
        {{Baseline}}
        {{Extra}}
        """;

    public Scenario Load(string? variant = null) => ScenarioLoader.Load(ScenarioSource.FromText("tiny.yaml", Yaml()), variant);

    public RunResult Run(int? replicates = null, int shards = 1) =>
        Simulator.RunAsync(Load(), new RunOptions { Replicates = replicates, Shards = shards }).GetAwaiter().GetResult();
}

/// <summary>The `finsam` command line in this process, on the in-process engine, with its output captured.</summary>
public static class CommandLine
{
    public static (int Exit, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(output),
            Ansi = Spectre.Console.AnsiSupport.No,
            ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
            Interactive = Spectre.Console.InteractionSupport.No,
        });
        console.Profile.Width = 400;
        var exit = Finsam.Client.Program.InvokeAsync(console, Finsam.Client.Running.BackendOptions.Fixed(() => new Finsam.Client.Running.InProcessBackend()), args, output)
            .GetAwaiter().GetResult();
        return (exit, output.ToString());
    }
}

public static class Problems
{
    public static IReadOnlyList<Diagnostic> Of(string yaml, string file = "bad.yaml") =>
        ScenarioLoader.Validate(ScenarioSource.FromText(file, yaml));
}
