using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Core.Analysis;

/// <summary>One optimisation: the search on the search replicates, then the final run of the best few, the plan and the variants.</summary>
internal sealed class OptimiseRun(OptimisePlan p, IReplicateRunner runner, IProgress<OptimiseProgress>? progress)
{
    private sealed record Evaluated(double[] Objective, double[] Spend, double Money, string? Problem, RunSummary? Summary);

    private long _replicates;
    private int _runs, _plannedRuns;
    private long _plannedReplicates;
    private string _stage = "search";
    private string? _best;

    private double Orient(double v) => p.Objective.Direction == Better.Lower ? -v : v;

    public async Task<OptimiseResult> ExecuteAsync(CancellationToken ct)
    {
        var dims = p.Dimensions;
        var references = p.References;
        var searchOptions = new RunOptions { Replicates = p.SearchReplicates, Seed = p.SearchSeed };
        _plannedRuns = 1 + references.Count + p.Request.MaxCandidates;
        _plannedReplicates = (long)_plannedRuns * p.SearchReplicates;

        // The plan and the variants on the search replicates too, so the frontier shows them on the same footing.
        var fixedAlternatives = new List<(string Name, string Kind, string? Variant, double Money)> { (p.PlanName, Optimiser.PlanKind, p.Request.Variant, p.PlanMoney) };
        fixedAlternatives.AddRange(references.Select(r => (r.Name, Optimiser.VariantKind, (string?)r.Name, r.Money)));
        var fixedSearch = await Batch(fixedAlternatives.Select(a => (Func<CancellationToken, Task<Evaluated>>)(c => Run(p.Request.Source, a.Variant, a.Money, searchOptions, false, c))).ToList(), ct);

        var settingsOf = new Func<int[], double[]>(ix => ix.Select((k, d) => dims[d].Values[k]).ToArray());
        var evaluatedBy = new Dictionary<string, Evaluated>(StringComparer.Ordinal);
        async Task<IReadOnlyList<Score>> Evaluate(IReadOnlyList<int[]> points, string stage, CancellationToken c)
        {
            var results = await Batch(points.Select(ix => (Func<CancellationToken, Task<Evaluated>>)(t => Candidate(settingsOf(ix), searchOptions, false, t))).ToList(), c);
            var scores = new List<Score>();
            for (var k = 0; k < points.Count; k++)
            {
                evaluatedBy[string.Join(',', points[k])] = results[k];
                var score = results[k].Problem is { } problem ? Score.Infeasible(problem) : new Score(true, results[k].Objective.Select(Orient).ToArray());
                scores.Add(score);
                if (score.Feasible && (_best is null || score.Mean > BestMean)) { BestMean = score.Mean; _best = Optimiser.Describe(dims, settingsOf(points[k])); }
            }
            _plannedRuns = Math.Max(_plannedRuns, _runs);
            return scores;
        }
        var start = dims.Select(d => d.Plan is { } v ? OptimiserSearch.Nearest(d.Values, v) : (d.Values.Count - 1) / 2).ToArray();
        var outcome = await OptimiserSearch.RunAsync(dims.Select(d => d.Values.Count).ToList(), start, p.Request.MaxCandidates, Evaluate, ct);

        // Every alternative on the search replicates, with the frontier of cost against outcome among those within the budget.
        var candidates = new List<CandidateInfo>();
        for (var k = 0; k < fixedAlternatives.Count; k++)
        {
            var a = fixedAlternatives[k];
            var within = a.Kind == Optimiser.PlanKind ? PlanWithinBudget : references[k - 1].WithinBudget;
            candidates.Add(Info(a.Name, a.Kind, a.Kind == Optimiser.PlanKind ? PlanSettings : references[k - 1].Settings, fixedSearch[k], within));
        }
        for (var k = 0; k < outcome.Points.Count; k++)
        {
            var pt = outcome.Points[k];
            candidates.Add(Info($"c{k + 1}", pt.Stage, settingsOf(pt.Index), evaluatedBy[string.Join(',', pt.Index)], pt.Score.Feasible));
        }
        candidates = Frontier(candidates);
        var searchRuns = _replicates;

        // The final run: the best few (by their search score), the plan and the variants, on the final seed.
        var ranked = outcome.Points.Where(x => x.Score.Feasible)
            .OrderBy(x => x.Score.Missing).ThenByDescending(x => x.Score.Mean).Take(p.Request.Top).ToList();
        _stage = "final";
        _runs = 0;
        _plannedRuns = fixedAlternatives.Count + ranked.Count;
        _replicates = 0;
        _plannedReplicates = (long)_plannedRuns * p.Replicates;
        var finalOptions = new RunOptions { Replicates = p.Replicates, Seed = p.Seed };
        var jobs = fixedAlternatives.Select(a => (Func<CancellationToken, Task<Evaluated>>)(c => Run(p.Request.Source, a.Variant, a.Money, finalOptions, true, c)))
            .Concat(ranked.Select(x => (Func<CancellationToken, Task<Evaluated>>)(c => Candidate(settingsOf(x.Index), finalOptions, true, c)))).ToList();
        var finals = await Batch(jobs, ct);

        // The best few in the order of their final score; the winner is the first.
        var order = Enumerable.Range(0, ranked.Count)
            .Select(k => (k, Score: new Score(true, finals[fixedAlternatives.Count + k].Objective.Select(Orient).ToArray())))
            .OrderBy(x => x.Score.Missing).ThenByDescending(x => x.Score.Mean).ThenBy(x => x.k).Select(x => x.k).ToList();
        var alternatives = new List<Alternative>();
        var confirmed = new List<ConfirmedAlternative>();
        var planValues = finals[0].Objective;
        for (var k = 0; k < fixedAlternatives.Count; k++)
        {
            var a = fixedAlternatives[k];
            var description = a.Kind == Optimiser.PlanKind ? p.Plan.Name : references[k - 1].Description;
            alternatives.Add(new Alternative(a.Name, description, finals[k].Summary!));
            confirmed.Add(Confirm(a.Name, a.Kind, description, a.Kind == Optimiser.PlanKind ? PlanSettings : references[k - 1].Settings, [],
                finals[k], a.Kind == Optimiser.PlanKind ? PlanWithinBudget : references[k - 1].WithinBudget, planValues));
        }
        IReadOnlyList<LeverEdit> bestEdits = [];
        var names = new HashSet<string>(alternatives.Select(a => a.Name), StringComparer.Ordinal);
        for (var rank = 0; rank < order.Count; rank++)
        {
            var k = order[rank];
            var settings = settingsOf(ranked[k].Index);
            var edits = OptimiserSpace.Edits(p.Plan, dims, settings).Edits!;
            if (rank == 0) bestEdits = edits;
            var name = $"best-{rank + 1}";
            while (!names.Add(name)) name += "′";
            var description = Optimiser.Describe(dims, settings);
            alternatives.Add(new Alternative(name, description, finals[fixedAlternatives.Count + k].Summary!));
            confirmed.Add(Confirm(name, Optimiser.OptimisedKind, description, settings, edits.Select(e => $"{e.Path}: {WhatIfYaml.Inline(e)}").ToList(),
                finals[fixedAlternatives.Count + k], true, planValues));
        }
        var best = confirmed.FirstOrDefault(c => c.Kind == Optimiser.OptimisedKind);
        var verdicts = best is null ? [] : confirmed.Where(c => c.Kind == Optimiser.VariantKind && c.WithinBudget).Select(c => Verdict(best, c)).ToList();
        var yaml = best is null ? "" : WhatIfYaml.Variant("optimised", $"finsam optimise --objective {p.Objective.Key}: {best.Description}", bestEdits);

        return new OptimiseResult(p.Plan.Name, p.Request.Source.FileName, p.PlanName, p.Objective, p.Budget, p.PlanMoney,
            dims.Select(d => new DimensionInfo(d.Path, d.Kind.ToString().ToLowerInvariant(), d.Unit, d.Values, d.Plan)).ToList(),
            new SearchInfo(outcome.Method, outcome.StopReason, p.SearchSeed, p.SearchReplicates, outcome.Points.Count, p.Request.MaxCandidates, searchRuns + _replicates),
            candidates, p.Seed, p.Replicates, confirmed, best?.Name ?? "", verdicts, yaml, Comparison.Compare(alternatives));
    }

    private double BestMean { get; set; } = double.NegativeInfinity;

    /// <summary>The plan's value of each dimension, when every dimension has one.</summary>
    private IReadOnlyList<double>? PlanSettings => OptimiserSpace.SettingsOf(p.Plan, p.Dimensions);

    private bool PlanWithinBudget => p.PlanMoney <= p.Budget * (1 + 1e-9);

    private Task<Evaluated> Candidate(double[] settings, RunOptions options, bool keep, CancellationToken ct)
    {
        var (edits, problem) = OptimiserSpace.Edits(p.Plan, p.Dimensions, settings);
        if (edits is null) return Task.FromResult(new Evaluated([], [], double.NaN, problem, null));
        var source = Optimiser.WithEdits(p.Request.Source, edits);
        double money;
        try
        {
            money = OptimiserSpace.Money(ScenarioLoader.Load(source, p.Request.Variant));
        }
        catch (ScenarioException e)
        {
            return Task.FromResult(new Evaluated([], [], double.NaN, e.Diagnostics.Count > 0 ? e.Diagnostics[0].Message : e.Message, null));
        }
        if (money > p.Budget * (1 + 1e-9))
            return Task.FromResult(new Evaluated([], [], money, $"over the budget: {money:N0} kronor against {p.Budget:N0}", null));
        return Run(source, p.Request.Variant, money, options, keep, ct);
    }

    private async Task<Evaluated> Run(ScenarioSource source, string? variant, double money, RunOptions options, bool keep, CancellationToken ct)
    {
        var counter = new Counter(this);
        var summary = (await runner.SummariseAsync(new RunJob(source, variant, options), counter, ct)).Summary;
        counter.Report(options.Replicates!.Value);
        Interlocked.Increment(ref _runs);
        Report();
        return new Evaluated(Optimiser.PerReplicate(summary, p.Objective.Key), Optimiser.PerReplicate(summary, "spend"), money, null, keep ? summary : null);
    }

    /// <summary>Runs the jobs, at most <see cref="OptimiseRequest.Parallel"/> at once; results in job order.</summary>
    private async Task<Evaluated[]> Batch(IReadOnlyList<Func<CancellationToken, Task<Evaluated>>> jobs, CancellationToken ct)
    {
        var results = new Evaluated[jobs.Count];
        await Parallel.ForAsync(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, p.Request.Parallel), CancellationToken = ct },
            async (k, c) => results[k] = await jobs[k](c));
        return results;
    }

    private CandidateInfo Info(string name, string stage, IReadOnlyList<double>? settings, Evaluated e, bool withinBudget) =>
        new(name, stage, settings, double.IsFinite(e.Money) ? e.Money : null, e.Problem is null && withinBudget, e.Problem ?? (withinBudget ? null : $"over the budget: {e.Money:N0} kronor against {p.Budget:N0}"),
            Stat.Of(e.Objective), e.Objective.Count(v => !double.IsFinite(v)), Stat.Of(e.Spend), false);

    /// <summary>
    /// Marks the frontier among the feasible alternatives: sorted by mean spend, each that does better on the objective
    /// than every one that spends as little or less (fewer missing replicates first, as in the search).
    /// </summary>
    private List<CandidateInfo> Frontier(List<CandidateInfo> all)
    {
        var feasible = all.Where(c => c.Feasible && c.Objective is not null && c.Spend is not null)
            .OrderBy(c => c.Spend!.Mean).ThenBy(c => c.Missing).ThenByDescending(c => Orient(c.Objective!.Mean)).ToList();
        var on = new HashSet<string>(StringComparer.Ordinal);
        (int Missing, double Mean)? bestSoFar = null;
        foreach (var c in feasible)
        {
            var here = (c.Missing, Orient(c.Objective!.Mean));
            if (bestSoFar is { } b && !(here.Missing < b.Missing || (here.Missing == b.Missing && here.Item2 > b.Mean))) continue;
            on.Add(c.Name);
            bestSoFar = here;
        }
        return all.Select(c => on.Contains(c.Name) ? c with { OnFrontier = true } : c).ToList();
    }

    private ConfirmedAlternative Confirm(string name, string kind, string? description, IReadOnlyList<double>? settings, IReadOnlyList<string> edits,
        Evaluated e, bool withinBudget, double[] plan)
    {
        var diffs = new List<double>();
        int better = 0, ties = 0;
        for (var k = 0; k < Math.Min(plan.Length, e.Objective.Length); k++)
        {
            if (!double.IsFinite(plan[k]) || !double.IsFinite(e.Objective[k])) continue;
            var d = e.Objective[k] - plan[k];
            diffs.Add(d);
            if (d == 0) ties++;
            else if (Orient(d) > 0) better++;
        }
        var isPlan = kind == Optimiser.PlanKind;
        double? pBetter = isPlan || diffs.Count == 0 || ties == diffs.Count ? null : (double)better / diffs.Count;
        return new ConfirmedAlternative(name, kind, description, settings, edits, e.Money, withinBudget, Stat.Of(e.Objective),
            e.Objective.Count(v => !double.IsFinite(v)), isPlan ? null : Stat.Of(diffs), pBetter, Stat.Of(e.Spend));
    }

    private VariantVerdict Verdict(ConfirmedAlternative best, ConfirmedAlternative variant)
    {
        var b = best.Objective?.Mean ?? double.NaN;
        var v = variant.Objective?.Mean ?? double.NaN;
        var diff = Orient(b - v);
        var outcome = best.Missing != variant.Missing ? (best.Missing < variant.Missing ? "beats" : "loses")
            : Math.Abs(b - v) <= 1e-9 * Math.Max(1, Math.Abs(v)) ? "ties" : diff > 0 ? "beats" : "loses";
        return new VariantVerdict(variant.Name, outcome, double.IsFinite(b - v) ? b - v : null);
    }

    private void Report() => progress?.Report(new OptimiseProgress(_stage, _runs, Math.Max(_plannedRuns, _runs),
        Interlocked.Read(ref _replicates), Math.Max(_plannedReplicates, Interlocked.Read(ref _replicates)), _best));

    /// <summary>Replicates done in one run, added to the total as they arrive.</summary>
    private sealed class Counter(OptimiseRun owner) : IProgress<int>
    {
        private readonly Lock _gate = new();
        private int _last;

        public void Report(int value)
        {
            int delta;
            lock (_gate)
            {
                delta = Math.Max(0, value - _last);
                _last = Math.Max(_last, value);
            }
            if (delta == 0) return;
            Interlocked.Add(ref owner._replicates, delta);
            owner.Report();
        }
    }
}
