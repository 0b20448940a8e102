using Finsam.Core.Economics;
using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Core.Analysis;

/// <summary>
/// The board's pass over a finished run, kept out of the summariser: the socio-economic account (when the scenario
/// has <c>economics:</c>) and the sensitivity of the headline and account figures to the scenario's uncertain inputs.
/// Both read only what each replicate recorded and re-draw the inputs from their keyed streams.
/// </summary>
public static class BoardAnalysis
{
    public static RunSummary Attach(RunSummary summary, RunResult run)
    {
        var account = SocioEconomics.Of(run);
        return summary with { Economics = account, Sensitivity = SensitivityOf(summary, account, run) };
    }

    /// <summary>The figures the sensitivity analysis explains: the headline, then the account's main figures.</summary>
    public static IReadOnlyList<(string Key, string Label, string Unit)> Figures(RunSummary summary, SocioEconomicAccount? account) =>
        [.. summary.Headline.Select(h => (h.Key, h.Label, h.Unit)), .. account is null ? [] : SocioEconomics.FigureDefinitions];

    public static SensitivityResult? SensitivityOf(RunSummary summary, SocioEconomicAccount? account, RunResult run) =>
        SensitivityOf(summary, account, run.Scenario, run.Replicates.Select(r => r.Replicate).ToList());

    /// <summary>The sensitivity from the summary's per-replicate figures alone (they are in the order of <paramref name="replicates"/>).</summary>
    public static SensitivityResult? SensitivityOf(RunSummary summary, SocioEconomicAccount? account, Scenarios.Scenario s, IReadOnlyList<int> replicates)
    {
        var inputs = Sensitivity.UncertainParams(s)
            .Select(p => (new SensitivityInput(p.Key, p.ToString()), replicates.Select(r => ParamDraws.Value(s.Seed, r, p)).ToArray()))
            .ToList();
        foreach (var mix in Sensitivity.DrawnMixes(s))
        {
            var draws = replicates.Select(r => ParamDraws.Mix(s.Seed, r, mix)).ToArray();
            for (var c = 0; c < mix.Categories.Count; c++)
                inputs.Add((new SensitivityInput($"{mix.Key}[{mix.Categories[c]}]", $"dirichlet share of {mix.Categories[c]}", mix.Key),
                    draws.Select(d => d[c]).ToArray()));
        }
        var figures = summary.Replicates.Select((r, k) =>
        {
            var merged = new Dictionary<string, double?>(r.Figures, StringComparer.Ordinal);
            if (account is not null)
                foreach (var (key, v) in account.Replicates[k].Figures) merged[key] = v;
            return (IReadOnlyDictionary<string, double?>)merged;
        }).ToList();
        return Sensitivity.Analyse(inputs, Figures(summary, account), figures);
    }
}
