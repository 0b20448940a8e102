using System.Globalization;
using Finsam.Core.Economics;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Analysis;

/// <summary>Progress of an optimisation: the stage, runs done and planned, replicates done and planned, the best so far.</summary>
public sealed record OptimiseProgress(string Stage, int Runs, int PlannedRuns, long ReplicateRuns, long PlannedReplicateRuns, string? Best);

/// <summary>
/// <c>finsam optimise</c>: searches budget splits and capacities (<see cref="OptimiserSpace"/>, <see cref="OptimiserSearch"/>)
/// for the best expected value of one figure within a budget, every candidate a variant of the plan run through
/// <see cref="IReplicateRunner"/> with the same seed (common random numbers). The best few, the plan and the
/// hand-written variants are then run again on other replicates (the final seed), so the figures reported for the
/// winner are not the ones it was picked on (which flatter it), and they match <c>finsam compare</c> with that seed.
/// </summary>
public static class Optimiser
{
    /// <summary>Default cap on candidates tried by the search.</summary>
    public const int DefaultMaxCandidates = 150;

    /// <summary>Most candidates one search may try.</summary>
    public const int MaxCandidates = 5_000;

    /// <summary>Most replicate runs (candidates × replicates, both stages) one optimisation may ask for: about 15 minutes of Värend on two cores.</summary>
    public const long MaxReplicateRuns = 100_000;

    public const string PlanKind = "plan", VariantKind = "variant", OptimisedKind = "optimised";

    /// <summary>
    /// Checks everything before anything runs: the plan loads, the objective is a figure the run has, every
    /// <c>--over</c> is usable and its corners load, the references exist, and the work is within
    /// <see cref="MaxReplicateRuns"/> and the participant-month budget. Throws <see cref="ScenarioException"/>
    /// or <see cref="OptimiseSpecException"/> (bad input).
    /// </summary>
    public static OptimisePlan Prepare(OptimiseRequest r)
    {
        var plan = ScenarioLoader.Load(r.Source, r.Variant);
        var objective = Objective(plan, r.Objective, r.Direction);
        if (r.MaxCandidates is < 1 or > MaxCandidates) throw new OptimiseSpecException($"--max-candidates must be 1 to {MaxCandidates}");
        if (r.Top < 1 || r.Top > 20) throw new OptimiseSpecException("--top must be 1 to 20");
        var dims = r.Over.Count == 0 ? OptimiserSpace.Default(plan) : OptimiserSpace.Parse(plan, r.Over);
        var planMoney = OptimiserSpace.Money(plan);
        var budget = r.Budget ?? planMoney;
        if (!double.IsFinite(budget) || budget < 0 || budget > WorkBudget.MaxAmount) throw new OptimiseSpecException("--budget must be an amount of kronor from 0 to 10¹²");

        // The corners of the space must make valid scenarios; a path the file does not have fails here, not mid-search.
        foreach (var corner in new[] { dims.Select(d => d.Values[0]).ToArray(), dims.Select(d => d.Values[^1]).ToArray() })
            if (OptimiserSpace.Edits(plan, dims, corner).Edits is { } edits) ScenarioLoader.Load(WithEdits(r.Source, edits), r.Variant);

        var variants = plan.Variants.Select(v => v.Name).ToList();
        var wanted = r.References ?? variants.Where(v => v != r.Variant).ToList();
        var references = new List<ReferenceAlternative>();
        foreach (var name in wanted)
        {
            if (!variants.Contains(name)) throw new OptimiseSpecException($"--variants: no variant '{name}'; the file has {(variants.Count == 0 ? "none" : string.Join(", ", variants))}");
            var scenario = ScenarioLoader.Load(r.Source, name);
            var money = OptimiserSpace.Money(scenario);
            references.Add(new ReferenceAlternative(name, plan.Variants.First(v => v.Name == name).Description, money, money <= budget * (1 + 1e-9),
                OptimiserSpace.SettingsOf(scenario, dims)));
        }

        var searchReplicates = r.SearchReplicates ?? Math.Min(plan.Replicates, 40);
        var replicates = r.Replicates ?? plan.Replicates;
        var seed = r.Seed ?? plan.Seed;
        var searchSeed = r.SearchSeed ?? unchecked(seed + 1);
        if (searchSeed == seed) throw new OptimiseSpecException("the search seed must differ from the final seed: the final run checks the winner on replicates it was not picked on");
        var alternatives = 1 + references.Count;
        var worst = (long)r.MaxCandidates * searchReplicates + (long)alternatives * searchReplicates + (long)(r.Top + alternatives) * replicates;
        if (worst > MaxReplicateRuns)
            throw new OptimiseSpecException($"the optimisation could need {worst:N0} replicate runs ({r.MaxCandidates} candidates × {searchReplicates} search replicates + {r.Top + alternatives} alternatives × {replicates} final replicates), over the limit of {MaxReplicateRuns:N0}: lower --max-candidates, --search-replicates or --replicates");
        if (WorkBudget.CheckRun(WorkBudget.ExpectedParticipants(plan), plan.Months, (int)Math.Min(int.MaxValue, worst)) is { } over)
            throw new OptimiseSpecException($"the optimisation as a whole: {over}");
        return new OptimisePlan(r, plan, r.Variant ?? "plan", dims, objective, budget, planMoney, references, searchReplicates, searchSeed, replicates, seed, worst);
    }

    /// <summary>The objective's label, unit and direction; a figure without a direction needs one given.</summary>
    public static ObjectiveInfo Objective(Scenario plan, string key, Better? direction)
    {
        var headline = Summariser.HeadlineDefinitions.FirstOrDefault(h => h.Key == key);
        var economics = SocioEconomics.FigureDefinitions.FirstOrDefault(h => h.Key == key);
        (string Key, string Label, string Unit) def;
        Better better;
        if (headline.Key is not null) { def = headline; better = Comparison.DirectionOf(key); }
        else if (economics.Key is not null && plan.Economics is not null) { def = economics; better = Comparison.EconomicsDirection(key); }
        else
        {
            var known = Summariser.HeadlineDefinitions.Select(h => h.Key).Concat(plan.Economics is null ? [] : SocioEconomics.FigureDefinitions.Select(h => h.Key));
            throw new OptimiseSpecException($"--objective: no figure '{key}'{(economics.Key is not null ? " (the scenario has no economics: section)" : "")}; the figures are {string.Join(", ", known)}");
        }
        better = direction ?? better;
        if (better == Better.Neither) throw new OptimiseSpecException($"--objective {key} has no better direction of its own: add --direction higher or --direction lower");
        return new ObjectiveInfo(def.Key, def.Label, def.Unit, better);
    }

    /// <summary>The plan's source with the edits as an overlay (docs/scenario-format.md §12); the plan itself when there are none.</summary>
    public static ScenarioSource WithEdits(ScenarioSource source, IReadOnlyList<LeverEdit> edits) =>
        edits.Count == 0 ? source : source with { Overlay = WhatIfYaml.Overlay(source.FileName, "finsam optimise", edits) };

    /// <summary>A figure per replicate (NaN where it has no value), from the headline or the socio-economic account.</summary>
    public static double[] PerReplicate(RunSummary s, string key)
    {
        var values = new double[s.Run.Replicates];
        Array.Fill(values, double.NaN);
        var rows = Summariser.HeadlineDefinitions.Any(h => h.Key == key) ? s.Replicates : s.Economics?.Replicates ?? [];
        foreach (var r in rows)
            if (r.Replicate >= 0 && r.Replicate < values.Length && r.Figures.GetValueOrDefault(key) is { } v) values[r.Replicate] = v;
        return values;
    }

    public static async Task<OptimiseResult> RunAsync(OptimisePlan p, IReplicateRunner runner, IProgress<OptimiseProgress>? progress = null, CancellationToken ct = default)
    {
        var run = new OptimiseRun(p, runner, progress);
        return await run.ExecuteAsync(ct);
    }

    /// <summary>A dimension's short name for tables: "2017 processverksamhet", "every year total", "stodperson fte", or the path.</summary>
    public static string ShortLabel(DimensionInfo d, string everyYear = "every year")
    {
        var open = d.Path.IndexOf('[', StringComparison.Ordinal);
        var close = d.Path.IndexOf(']', StringComparison.Ordinal);
        if (open < 0 || close < open) return d.Path;
        var sel = d.Path[(open + 1)..close];
        var last = d.Path[(d.Path.LastIndexOf('.') + 1)..];
        return d.Kind switch
        {
            "share" or "total" => $"{(sel == "*" ? everyYear : sel)} {last}",
            "capacity" => $"{sel} {last}",
            _ => d.Path,
        };
    }

    internal static string Describe(IReadOnlyList<SearchDimension> dims, IReadOnlyList<double> settings) =>
        string.Join(", ", dims.Select((d, i) => $"{d.Path} = {Format(settings[i], d.Unit)}"));

    public static string Format(double v, string unit) => unit switch
    {
        "%" => v.ToString("0.##", CultureInfo.InvariantCulture) + " %",
        _ => v.ToString("0.###", CultureInfo.InvariantCulture),
    };
}
