using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Calibration;

public sealed record CalibrationOptions
{
    /// <summary>Replicates per evaluation, before/after runs included.</summary>
    public int Replicates { get; init; } = 100;
    /// <summary>The seed of every evaluation (common random numbers); default the scenario's.</summary>
    public ulong? Seed { get; init; }
    /// <summary>Nelder–Mead iterations per block of scalar parameters and sweep.</summary>
    public int MaxIterationsPerBlock { get; init; } = 120;
    /// <summary>Passes over the blocks (blocks interact only through shared budgets, chains and effects).</summary>
    public int Sweeps { get; init; } = 2;
    /// <summary>Written as the overlay's <c>base:</c> (default: the scenario's file name).</summary>
    public string? BaseReference { get; init; }
    /// <summary>Written as the overlay's <c>source:</c>: how it was produced.</summary>
    public string? Command { get; init; }
    public IProgress<string>? Progress { get; init; }
    /// <summary>Where the evaluations run (default: this process); a cluster runner spreads each over the silos.</summary>
    public IReplicateRunner? Runner { get; init; }
}

/// <summary>A value calibration changed: its path, what it is, how it was fitted, before and after.</summary>
public sealed record FittedValue(string Path, string Insats, string What, string Method, string Before, string After, string? Note);

/// <summary>
/// The outcome of <see cref="Calibrator.RunAsync"/>: the overlay (text) with the fitted values, what
/// changed, and the comparison with the recorded results before and after, from runs with the same
/// seed and replicates.
/// </summary>
public sealed record CalibrationResult(
    string OverlayText, IReadOnlyList<FittedValue> Fitted, IReadOnlyList<string> Skipped,
    RecordedSummary Before, RecordedSummary After, double LossBefore, double LossAfter, int Evaluations);

/// <summary>
/// Fits a scenario's uncertain parameters to its recorded results.
/// <list type="number">
/// <item>Scalar parameters that drive recorded counts — per individual insats with recorded single
/// values (admitted, ended, unplanned, queue, occupancy): its duration mean, its dropout probability
/// and the rates of the referral flows into it (one factor for all of them) — are fitted by
/// Nelder–Mead (<see cref="NelderMead"/>, the walk of MathNet.Numerics 5.0.0) on the scale of their distributions, one block of parameters per
/// insats, minimising the Poisson deviance between the recorded values and the forecast means plus a
/// prior penalty that keeps each location near the scenario's own range. Every evaluation runs the
/// same replicates with the same seed (common random numbers), so two parameter values are compared
/// on the same random draws and the objective is a deterministic function of them.</item>
/// <item>Exit mixes given as Dirichlet priors are updated with the recorded exit occupations by the
/// conjugate Dirichlet–multinomial rule (α + counts) after taking out unplanned exits that went to
/// <c>dropout.to</c>; exit models (start → exit tables) are fitted by MAP expectation–maximisation from
/// start and exit marginals (<see cref="ExitTableFitter"/>) with the model's own rows as the prior.</item>
/// </list>
/// Only uncertain values are fitted: a number the scenario states as fixed is taken as known.
/// </summary>
public static class Calibrator
{
    private sealed record Scalar(string Name, string Insats, string What, IReadOnlyList<Param> Params, double FieldMin, double FieldMax)
    {
        public double Sigma { get; } = ParamScaling.PriorSigma(Params[0].Dist);
        public (double Min, double Max) Bounds { get; } = Params
            .Select(p => ParamScaling.Bounds(p.Dist, FieldMin, FieldMax))
            .Aggregate((a, b) => (Math.Max(a.Min, b.Min), Math.Min(a.Max, b.Max)));
    }

    private sealed record Block(string Insats, IReadOnlyList<Scalar> Parameters, IReadOnlyList<RecordedResult> Targets);

    public static async Task<CalibrationResult> RunAsync(ScenarioSource source, string? variant, CalibrationOptions options, CancellationToken ct = default)
    {
        var original = ScenarioLoader.Load(source with { Overlay = null }, variant);
        var run = new RunOptions { Replicates = options.Replicates, Seed = options.Seed ?? original.Seed };
        var evaluations = 0;
        var runner = options.Runner ?? LocalReplicateRunner.Instance;
        // Every evaluation is this one scenario with a few values changed: the runner gets the same object
        // and the edits, so a cluster sends the scenario to each silo once (not once per evaluation).
        var applied = Simulator.Apply(original, run);
        async Task<RunResult> Simulate(ScenarioEdits edits)
        {
            ct.ThrowIfCancellationRequested();
            evaluations++;
            var t = Diagnostics.Timings.Start();
            var result = await runner.CollectAsync(applied, edits, ct: ct);
            Diagnostics.Timings.Add("evaluation (calibrator)", t);
            return result;
        }
        // A Nelder–Mead step reads only the forecasts of its block's targets, one value per replicate and target.
        // Points the walk needs together (the starting simplex, a shrink) go to the runner in one call.
        async Task<double[][][]> Forecast(IReadOnlyList<ScenarioEdits> edits, IReadOnlyList<string> recorded)
        {
            ct.ThrowIfCancellationRequested();
            evaluations += edits.Count;
            var t = Diagnostics.Timings.Start();
            var values = edits.Select(_ => new double[applied.Replicates][]).ToArray();
            var done = 0;
            await foreach (var (e, r, v) in runner.ForecastAsync(applied, edits, recorded, ct))
            {
                if (values[e][r] is not null) continue;   // a retried replicate never counts twice
                values[e][r] = v;
                done++;
            }
            if (done != edits.Count * applied.Replicates)
                throw new InvalidOperationException($"the runner returned {done} of {edits.Count * applied.Replicates} replicates");
            Diagnostics.Timings.Add($"evaluations of {edits.Count} point(s) at once (calibrator)", t);
            return values;
        }

        // 1. Scalar parameters, block by block, with common random numbers.
        var blocks = Blocks(original);
        // At most: before and after, and per sweep and block Nelder–Mead's evaluations (its limit, plus a last shrink).
        var most = 2 + (long)options.Sweeps * blocks.Sum(b => (long)options.MaxIterationsPerBlock + b.Parameters.Count + 2);
        WorkBudget.EnsureRuns(original, run.Replicates!.Value, most, "calibrate");

        var before = await Simulate(ScenarioEdits.None);
        var lossBefore = ScalarLoss(before, original.Recorded);
        var scales = blocks.SelectMany(b => b.Parameters).ToDictionary(p => p.Name, _ => 0.0, StringComparer.Ordinal);   // log scale factors
        ScenarioEdits Edits(IReadOnlyDictionary<string, double> logScales)
        {
            var values = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            foreach (var p in blocks.SelectMany(b => b.Parameters))
            {
                var x = logScales.TryGetValue(p.Name, out var v) ? v : 0;
                var s = Math.Exp(Math.Clamp(x, Math.Log(p.Bounds.Min), Math.Log(p.Bounds.Max)));
                foreach (var q in p.Params) values[q.Key] = ParamScaling.Scale(q.Dist, s, p.FieldMin, p.FieldMax);
            }
            return new ScenarioEdits(values);
        }
        for (var sweep = 0; sweep < options.Sweeps && blocks.Count > 0; sweep++)
        {
            var moved = false;
            foreach (var block in blocks)
            {
                var start = block.Parameters.Select(p => scales[p.Name]).ToArray();
                var targetIds = block.Targets.Select(r => r.Id).ToArray();
                var best = (X: start, F: double.PositiveInfinity);
                // The objective is a deterministic function of the point (common random numbers), so a point is
                // simulated once: the walk's last look at its lowest vertex costs nothing.
                var known = new Dictionary<string, (double F, double[] Trial)>(StringComparer.Ordinal);
                (double[] Trial, double Penalty, ScenarioEdits Edits) Point(double[] x)
                {
                    var trial = new Dictionary<string, double>(scales, StringComparer.Ordinal);
                    var penalty = 0.0;
                    for (var k = 0; k < x.Length; k++)
                    {
                        var p = block.Parameters[k];
                        var (lo, hi) = (Math.Log(p.Bounds.Min), Math.Log(p.Bounds.Max));
                        var clamped = Math.Clamp(x[k], lo, hi);
                        trial[p.Name] = clamped;
                        penalty += Math.Pow(clamped / p.Sigma, 2) + 100 * Math.Pow(x[k] - clamped, 2);
                    }
                    return (block.Parameters.Select(p => trial[p.Name]).ToArray(), penalty, Edits(trial));
                }
                async Task<double[]> Objective(NelderMead.Ask ask)
                {
                    var fresh = ask.Needed.DistinctBy(PointKey).Where(x => !known.ContainsKey(PointKey(x))).ToList();
                    if (fresh.Count > 0)
                    {
                        var points = fresh.Select(Point).ToList();
                        var forecasts = await Forecast(points.Select(p => p.Edits).ToList(), targetIds);
                        for (var k = 0; k < fresh.Count; k++)
                            known[PointKey(fresh[k])] = (ScalarLoss(block.Targets, forecasts[k]) + points[k].Penalty, points[k].Trial);
                    }
                    // The best point seen, in the order the walk reads them (as when it asked one at a time).
                    var f = new double[ask.Needed.Count];
                    for (var k = 0; k < f.Length; k++)
                    {
                        var (value, trial) = known[PointKey(ask.Needed[k])];
                        f[k] = value;
                        if (value < best.F) best = (trial, value);
                    }
                    return f;
                }
                // Stopped at the iteration limit, the best point seen is kept: the deterministic objective makes it a fair answer.
                await NelderMead.MinimiseAsync(Objective, start, Enumerable.Repeat(0.15, start.Length).ToArray(), 1e-4, options.MaxIterationsPerBlock);
                for (var k = 0; k < start.Length; k++)
                {
                    moved |= Math.Abs(best.X[k] - scales[block.Parameters[k].Name]) > 0.005;
                    scales[block.Parameters[k].Name] = best.X[k];
                }
                options.Progress?.Report($"{block.Insats}: {string.Join(", ", block.Parameters.Select(p => $"{p.What} × {Math.Exp(scales[p.Name]):0.###}"))} (objective {best.F:0.##})");
            }
            if (!moved) break;
        }
        var fittedEdits = Edits(scales);
        var fittedScalars = fittedEdits.ApplyTo(original);
        var middle = blocks.Count > 0 ? await Simulate(fittedEdits) : before;

        var entries = new List<OverlayEntry>();
        var fitted = new List<FittedValue>();
        var skipped = new List<string>();
        foreach (var p in blocks.SelectMany(b => b.Parameters))
        {
            var s = Math.Exp(Math.Clamp(scales[p.Name], Math.Log(p.Bounds.Min), Math.Log(p.Bounds.Max)));
            if (Math.Abs(s - 1) < 0.005) continue;
            for (var k = 0; k < p.Params.Count; k++)
            {
                var q = p.Params[k];
                var scaled = ParamScaling.Scale(q.Dist, s, p.FieldMin, p.FieldMax);
                entries.Add(new OverlayEntry(q.Key, OverlayWriter.Yaml(scaled),
                    k > 0 ? null : $"{p.Insats}: {p.What} × {s:0.###}{(p.Params.Count > 1 ? $" (all {p.Params.Count} flows)" : "")} (Nelder–Mead, common random numbers)"));
            }
            var what = p.Params.Count > 1 ? $"{p.What} ({p.Params.Count} flows)" : p.What;
            fitted.Add(new FittedValue(p.Params[0].Key, p.Insats, what, "Nelder–Mead, common random numbers",
                $"mean {Fmt(p.Params.Sum(q => q.Dist.Mean))}",
                $"mean {Fmt(p.Params.Sum(q => ParamScaling.Scale(q.Dist, s, p.FieldMin, p.FieldMax).Mean))} (× {s:0.###})", null));
        }

        // 2. Exit destinations.
        ExitMixes(fittedScalars, middle, entries, fitted, skipped);
        ExitModels(fittedScalars, middle, entries, fitted, skipped);

        var baseFile = options.BaseReference ?? Path.GetFileName(source.FileName);
        var command = options.Command ?? $"finsam calibrate {baseFile}{(variant is null ? "" : $" --variant {variant}")} --replicates {options.Replicates} --seed {run.Seed}";
        var overlay = OverlayWriter.Write(baseFile, command, variant, entries,
            "Fitted by Finsam: scalar locations by Nelder–Mead with common random numbers, Dirichlet exit mixes by the conjugate update, exit models by MAP–EM (docs/validation.md).");

        // 3. The overlay as written, read back through the loader, against the same records.
        var calibrated = ScenarioLoader.Load(source with { Overlay = new OverlaySource("calibrated-overlay.yaml", overlay) }, variant);
        evaluations++;
        var after = await runner.RunAllAsync(calibrated, run, ct: ct);
        return new CalibrationResult(overlay, fitted, skipped,
            Summariser.CompareRecorded(before), Summariser.CompareRecorded(after),
            lossBefore, ScalarLoss(after, original.Recorded), evaluations);
    }

    // ------------------------------------------------------------------ scalar parameters

    private static string PointKey(double[] x) => string.Join(',', x.Select(BitConverter.DoubleToInt64Bits));

    private static readonly RecordedQuantity[] ScalarQuantities =
        [RecordedQuantity.Admitted, RecordedQuantity.Ended, RecordedQuantity.Unplanned, RecordedQuantity.Queue, RecordedQuantity.Occupancy];

    private static List<Block> Blocks(Scenario s)
    {
        var blocks = new List<Block>();
        foreach (var ins in s.Insatser.Where(i => i.Kind == InsatsKind.Individual))
        {
            var targets = s.Recorded.Where(r => r.Insats == ins.Id && !r.IsDistribution && ScalarQuantities.Contains(r.Quantity)).ToList();
            if (targets.Count == 0) continue;
            var ps = new List<Scalar>();
            if (ins.Duration?.Mean is { Dist.IsFixed: false } mean)
                ps.Add(new Scalar($"{ins.Id}/duration", ins.Id, "duration mean", [mean], ins.Duration.Kind == DurationKind.Geometric ? 1 : 0.5, double.PositiveInfinity));
            if (ins.Dropout is { Dist.IsFixed: false } dropout)
                ps.Add(new Scalar($"{ins.Id}/dropout", ins.Id, "dropout", [dropout], 0, 1));
            var rates = s.Referrals.Where(f => f.To == ins.Id && f.Rate is { Dist.IsFixed: false }).Select(f => f.Rate!).ToList();
            if (rates.Count > 0)
                ps.Add(new Scalar($"{ins.Id}/referrals", ins.Id, "referral rates", rates, 0, double.PositiveInfinity));
            if (ps.Count > 0) blocks.Add(new Block(ins.Id, ps, targets));
        }
        return blocks;
    }

    /// <summary>
    /// Poisson deviance 2 Σ [y ln(y/μ) − (y − μ)] between recorded values y and forecast means μ
    /// (μ floored at 0.1 so a forecast of nothing against something observed stays finite).
    /// </summary>
    /// <summary>
    /// <see cref="ScalarLoss(RunResult, IEnumerable{RecordedResult})"/> from the targets' forecasts per
    /// replicate (<c>forecasts[replicate][target]</c>), summed in the same order, so the same number.
    /// </summary>
    private static double ScalarLoss(IReadOnlyList<RecordedResult> targets, double[][] forecasts)
    {
        var total = 0.0;
        for (var k = 0; k < targets.Count; k++)
        {
            var rec = targets[k];
            if (rec.IsDistribution || !ScalarQuantities.Contains(rec.Quantity)) continue;
            var mu = Math.Max(0.1, forecasts.Average(v => v[k]));
            var y = rec.Value!.Value;
            total += 2 * ((y > 0 ? y * Math.Log(y / mu) : 0) - (y - mu));
        }
        return total;
    }

    public static double ScalarLoss(RunResult run, IEnumerable<RecordedResult> targets)
    {
        var total = 0.0;
        foreach (var rec in targets)
        {
            if (rec.IsDistribution || !ScalarQuantities.Contains(rec.Quantity)) continue;
            var mu = Math.Max(0.1, run.Replicates.Average(r => Summariser.Forecast(rec, run.Index, r)[0]));
            var y = rec.Value!.Value;
            total += 2 * ((y > 0 ? y * Math.Log(y / mu) : 0) - (y - mu));
        }
        return total;
    }

    // ------------------------------------------------------------------ exit mixes (Dirichlet)

    /// <summary>The recorded exit counts of an insats with the unplanned exits to dropout.to taken out, and how that was done.</summary>
    private static (Dictionary<string, double> Counts, List<string> Notes, bool Exact, bool UsedRecordedUnplanned)? PlannedExits(Scenario s, Insats ins, RunResult run)
    {
        var records = s.Recorded.Where(r => r.Insats == ins.Id && r.Quantity == RecordedQuantity.ExitOccupation && r.IsPlain)
            .OrderByDescending(r => YearMonth.MonthsBetween(r.From, r.To)).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        if (records.Count == 0) return null;
        // Overlapping periods would count the same people twice: keep the longest, then any that do not overlap.
        var used = new List<RecordedResult>();
        foreach (var r in records)
            if (used.All(u => r.To < u.From || r.From > u.To)) used.Add(r);
        var notes = new List<string>();
        var exact = true;
        var usedRecorded = false;
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var rec in used)
        {
            foreach (var (k, v) in rec.Counts!) counts[k] = counts.GetValueOrDefault(k) + v;
            var recorded = s.Recorded.FirstOrDefault(r => r.Insats == ins.Id && r.Quantity == RecordedQuantity.Unplanned && r.From == rec.From && r.To == rec.To);
            var unplanned = recorded?.Value ?? run.Replicates.Average(r => Summariser.Forecast(rec with { Quantity = RecordedQuantity.Unplanned }, run.Index, r)[0]);
            var how = recorded is null ? "expected (forecast)" : "recorded";
            if (unplanned < 0.05) continue;
            if (ins.DropoutTo is { } to)
            {
                var take = Math.Min(unplanned, counts.GetValueOrDefault(to));
                counts[to] = counts.GetValueOrDefault(to) - take;
                notes.Add(take + 1e-9 < unplanned
                    ? $"{Fmt(unplanned)} {how} unplanned exits, but only {Fmt(take)} exits to {to}: took out {Fmt(take)}"
                    : $"took {Fmt(take)} {how} unplanned exits out of {to}");
                exact &= recorded is not null && take + 1e-9 >= unplanned;
                usedRecorded |= recorded is not null;
            }
            else
            {
                notes.Add($"{Fmt(unplanned)} {how} unplanned exits keep their occupation and are counted as planned");
                exact = false;
            }
        }
        if (used.Count < records.Count) notes.Add($"used {string.Join(", ", used.Select(u => u.Id))}; left out overlapping {string.Join(", ", records.Except(used).Select(u => u.Id))}");
        if (s.Insatser.Any(k => k.Effects.Any(e => e.Insats == ins.Id && e.Exits.Count > 0)))
        {
            notes.Add("a structural effect multiplies its exit weights, so the exits are not draws from the mix itself");
            exact = false;
        }
        return (counts, notes, exact, usedRecorded);
    }

    private static void ExitMixes(Scenario s, RunResult run, List<OverlayEntry> entries, List<FittedValue> fitted, List<string> skipped)
    {
        foreach (var ins in s.Insatser.Where(i => i.Kind == InsatsKind.Individual && i.Exits is not null))
        {
            if (PlannedExits(s, ins, run) is not var (counts, notes, exact, usedRecorded)) continue;
            if (!ins.Exits!.IsDirichlet)
            {
                skipped.Add($"{ins.Exits.Key}: a fixed mix is not uncertain, so it is left as the scenario states it");
                continue;
            }
            var posterior = DirichletUpdate.Posterior(ins.Exits, counts, out var added);
            if (added.Count > 0) notes.Add($"observed but impossible under the prior (weight 0), added with their counts: {string.Join(", ", added)}");
            var method = !exact ? "Dirichlet–multinomial update (approximate)"
                : usedRecorded ? "Dirichlet–multinomial update (exact given the recorded unplanned count)" : "Dirichlet–multinomial update (exact)";
            entries.Add(new OverlayEntry(ins.Exits.Key, OverlayWriter.Yaml(posterior),
                $"{ins.Id}: prior + {Fmt(counts.Values.Sum())} planned exits; {method}{(notes.Count > 0 ? "; " + string.Join("; ", notes) : "")}"));
            fitted.Add(new FittedValue(ins.Exits.Key, ins.Id, "exit mix", method, Describe(ins.Exits), DescribeChange(ins.Exits, posterior), notes.Count > 0 ? string.Join("; ", notes) : null));
        }
    }

    // ------------------------------------------------------------------ exit models (MAP–EM)

    private static void ExitModels(Scenario s, RunResult run, List<OverlayEntry> entries, List<FittedValue> fitted, List<string> skipped)
    {
        var occupations = run.Index.Occupations;
        foreach (var model in s.ExitModels)
        {
            var users = s.Insatser.Where(i => i.ExitModel == model.Id).ToList();
            var rows = model.Rows.Select(r => r.Exits).Concat(model.Default is null ? [] : [model.Default]).ToList();
            if (rows.Any(r => !r.IsDirichlet))
            {
                skipped.Add($"exit_models[{model.Id}]: some rows are fixed mixes, so the model is left as the scenario states it");
                continue;
            }
            int RowOf(string occupation)
            {
                var at = model.Rows.ToList().FindIndex(r => r.Start == occupation);
                return at >= 0 ? at : model.Rows.Count;   // the default row comes last
            }
            var data = new List<MarginalData>();
            var notes = new List<string>();
            foreach (var ins in users)
            {
                if (PlannedExits(s, ins, run) is not var (counts, exitNotes, _, _)) continue;
                var exits = occupations.Select(o => counts.GetValueOrDefault(o)).ToArray();
                var start = new double[rows.Count];
                var startRecord = s.Recorded.Where(r => r.Insats == ins.Id && r.Quantity == RecordedQuantity.StartOccupation && r.IsPlain)
                    .OrderByDescending(r => YearMonth.MonthsBetween(r.From, r.To)).FirstOrDefault();
                if (startRecord is not null)
                    foreach (var (o, n) in startRecord.Counts!) start[RowOf(o)] += n;
                else
                {
                    // No recorded start: the model's own forecast of who was admitted.
                    var exitRecord = s.Recorded.First(r => r.Insats == ins.Id && r.Quantity == RecordedQuantity.ExitOccupation && r.IsPlain);
                    var forecast = run.Replicates.Select(r => Summariser.Forecast(exitRecord with { Quantity = RecordedQuantity.StartOccupation }, run.Index, r)).ToList();
                    for (var o = 0; o < occupations.Length; o++) start[RowOf(occupations[o])] += forecast.Average(f => f[o]);
                    notes.Add($"{ins.Id}: start occupations forecast, not recorded");
                }
                notes.AddRange(exitNotes.Select(n => $"{ins.Id}: {n}"));
                data.Add(new MarginalData(ins.Id, start, exits));
            }
            if (data.Count == 0) continue;
            var alpha = rows.Select(r => Spread(r, occupations)).ToArray();
            var fit = ExitTableFitter.Fit(data, alpha);
            Mix Row(int g) => rows[g] with
            {
                Categories = occupations,
                Weights = occupations.Select((_, e) => alpha[g][e] + fit.Expected[g][e]).ToArray(),
            };
            var updated = new ExitModel(model.Id,
                model.Rows.Select((r, g) => new ExitRow(r.Start, Row(g))).ToList(),
                model.Default is null ? null : Row(model.Rows.Count));
            var method = "MAP–EM from start and exit marginals (approximate: the start → exit cross-table is not recorded)";
            entries.Add(new OverlayEntry($"exit_models[{model.Id}].rows", OverlayWriter.Yaml(updated),
                $"exit model {model.Id}: rows = prior + exits the EM attributes to each start row ({fit.Iterations} iterations{(fit.Converged ? "" : ", not converged")}); {string.Join("; ", notes)}"));
            for (var g = 0; g < rows.Count; g++)
                fitted.Add(new FittedValue($"exit_models[{model.Id}].rows.{(g < model.Rows.Count ? model.Rows[g].Start : "default")}", string.Join(", ", users.Select(u => u.Id)),
                    "exit model row", method, Describe(rows[g]), DescribeChange(rows[g], Row(g)), notes.Count > 0 ? string.Join("; ", notes) : null));
        }
    }

    internal static double[] Spread(Mix m, IReadOnlyList<string> categories) =>
        categories.Select(c => m.Categories.Select((x, k) => x == c ? m.Weights[k] : 0).Sum()).ToArray();

    // ------------------------------------------------------------------ descriptions

    private static string Fmt(double v) => OverlayWriter.Num(v < 0.1 ? v : Math.Round(v, 2));

    public static string Describe(Mix m)
    {
        var shares = m.MeanShares();
        var top = m.Categories.Select((c, k) => (c, p: shares[k])).OrderByDescending(t => t.p).Take(3);
        return $"{(m.IsDirichlet ? $"Σα {Fmt(m.Weights.Sum())}: " : "")}{string.Join(", ", top.Select(t => $"{t.c} {t.p:0%}"))}";
    }

    /// <summary>The total weight and the three categories whose mean share moved most.</summary>
    public static string DescribeChange(Mix before, Mix after)
    {
        var cats = before.Categories.Union(after.Categories).ToList();
        var b = cats.Select(before.ShareOf).ToArray();
        var a = cats.Select(after.ShareOf).ToArray();
        var moved = cats.Select((c, k) => (c, b: b[k], a: a[k])).OrderByDescending(t => Math.Abs(t.a - t.b)).Take(3);
        return $"Σα {Fmt(after.Weights.Sum())}: {string.Join(", ", moved.Select(t => $"{t.c} {t.b:0%}→{t.a:0%}"))}";
    }
}
