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
        // Inputs are drawn again from their keyed streams one at a time (a mix once for all its shares), never all at once.
        var inputs = new List<SensitivityInput>();
        var draw = new List<Action<double[]>>();
        var seeds = new ulong[replicates.Count];
        for (var k = 0; k < seeds.Length; k++) seeds[k] = Rng.ReplicateSeed(s.Seed, replicates[k]);
        foreach (var p in Sensitivity.UncertainParams(s))
        {
            inputs.Add(new SensitivityInput(p.Key, p.ToString()));
            var key = Rng.Hash(p.Key);
            draw.Add(values =>
            {
                for (var k = 0; k < values.Length; k++) values[k] = ParamDraws.Value(seeds[k], key, p);
            });
        }
        foreach (var mix in Sensitivity.DrawnMixes(s))
        {
            // One column per category, [category][replicate]: no array kept per replicate (100 000 of them at 100 000 replicates).
            double[][]? columns = null;
            for (var c = 0; c < mix.Categories.Count; c++)
            {
                var category = c;
                inputs.Add(new SensitivityInput($"{mix.Key}[{mix.Categories[c]}]", $"dirichlet share of {mix.Categories[c]}", mix.Key));
                draw.Add(values =>
                {
                    if (category == 0 || columns is null)
                    {
                        columns = new double[mix.Categories.Count][];
                        for (var j = 0; j < columns.Length; j++) columns[j] = new double[replicates.Count];
                        for (var k = 0; k < replicates.Count; k++)
                        {
                            var shares = ParamDraws.Mix(s.Seed, replicates[k], mix);
                            for (var j = 0; j < columns.Length; j++) columns[j][k] = shares[j];
                        }
                    }
                    Array.Copy(columns[category], values, values.Length);
                    if (category == mix.Categories.Count - 1) columns = null;
                });
            }
        }
        var accountKeys = account is null ? [] : SocioEconomics.FigureDefinitions.Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
        double[] Figure(string key) =>
            ColumnOf(accountKeys.Contains(key) ? account!.Replicates : summary.Replicates, key, replicates.Count);
        return Sensitivity.Analyse(inputs, (i, into) => draw[i](into), Figures(summary, account), Figure, replicates.Count);
    }

    /// <summary>A figure per replicate by position in the list (NaN where it has none), read as a column where the list is a table.</summary>
    private static double[] ColumnOf(IReadOnlyList<ReplicateFigures> rows, string key, int n)
    {
        if (rows is ReplicateTable table && table.Column(key) is { } column) return column;
        var values = new double[n];
        var k = 0;
        foreach (var r in rows)
        {
            if (k == n) break;
            values[k++] = r.Figures.GetValueOrDefault(key) ?? double.NaN;
        }
        return values;
    }
}
