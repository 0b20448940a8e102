namespace Finsam.Core.Analysis;

/// <summary>
/// What a candidate scored on the search replicates: the objective per replicate (NaN where the figure has no value
/// in that replicate), oriented so that larger is better, or <see cref="Feasible"/> false when it was not run
/// (over the budget, or not a plan).
/// </summary>
public sealed record Score(bool Feasible, double[] Values, string? Problem = null)
{
    public static Score Infeasible(string problem) => new(false, [], problem);

    /// <summary>Replicates where the objective has no value (a payback that never came, a cost with no one to divide by).</summary>
    public int Missing => Values.Count(v => !double.IsFinite(v));

    /// <summary>Mean over the replicates where it has a value; larger is better.</summary>
    public double Mean => Values.Where(double.IsFinite).DefaultIfEmpty(double.NegativeInfinity).Average();

    /// <summary>
    /// Strictly better: feasible beats infeasible, fewer missing replicates beat more (a mean over fewer replicates
    /// would favour a candidate for the replicates where it failed), then a higher mean. Ties are not better.
    /// </summary>
    public bool Beats(Score other) =>
        Feasible != other.Feasible ? Feasible
        : !Feasible ? false
        : Missing != other.Missing ? Missing < other.Missing
        : Mean > other.Mean + 1e-12 * Math.Max(1, Math.Abs(other.Mean));
}

/// <summary>One point the search tried: lattice indices per dimension, the stage that proposed it, and its score.</summary>
public sealed record SearchPoint(int[] Index, string Stage, Score Score);

/// <summary>The search's trace and what it found.</summary>
public sealed record SearchOutcome(string Method, IReadOnlyList<SearchPoint> Points, int Best, string StopReason);

/// <summary>
/// The search over a lattice (each dimension's values in order) for the point with the best expected objective.
/// Every candidate is scored on the same replicates with the same seed (common random numbers), so the sample mean is
/// a fixed function of the point and two candidates differ by their settings, not by chance. That function is still
/// rough: money becomes whole places, so it is flat over stretches and jumps between them. The search therefore uses
/// no gradients and no simplex: with one or two dimensions it tries the whole grid (when it fits the candidate cap);
/// otherwise a coarse grid (three levels a dimension, when it fits) or the plan starts a compass (pattern) search that
/// polls one step up and down each dimension, moves to the best strict improvement, and halves the step when none is
/// found, until the step is one lattice point. Polls are evaluated as a batch (in parallel on a cluster) and every
/// point is evaluated once (a cache), so a flat stretch or a tie costs nothing and cannot make it cycle.
/// </summary>
public static class OptimiserSearch
{
    /// <summary>Scores a batch of points (lattice indices); the result has one score per point, in order.</summary>
    public delegate Task<IReadOnlyList<Score>> Evaluate(IReadOnlyList<int[]> points, string stage, CancellationToken ct);

    /// <summary>The number of points the whole grid has, or null when it is larger than <paramref name="cap"/>.</summary>
    public static long? GridSize(IReadOnlyList<int> sizes, long cap)
    {
        long n = 1;
        foreach (var s in sizes)
        {
            n *= s;
            if (n > cap) return null;
        }
        return n;
    }

    /// <summary>
    /// Runs the search. <paramref name="sizes"/>: values per dimension; <paramref name="start"/>: the plan's point
    /// (nearest lattice indices); at most <paramref name="maxCandidates"/> points are evaluated.
    /// </summary>
    public static async Task<SearchOutcome> RunAsync(IReadOnlyList<int> sizes, int[] start, int maxCandidates, Evaluate evaluate, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCandidates, 1);
        if (sizes.Count == 0 || sizes.Any(s => s < 1)) throw new ArgumentException("every dimension needs at least one value", nameof(sizes));
        var d = sizes.Count;
        var points = new List<SearchPoint>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        static string Key(int[] p) => string.Join(',', p);

        // Evaluates the points not seen yet (up to the cap); returns the indices into `points` of every asked point that has a score.
        async Task<List<int>> Batch(IEnumerable<int[]> asked, string stage)
        {
            var fresh = new List<int[]>();
            foreach (var p in asked)
                if (!seen.ContainsKey(Key(p)) && fresh.All(f => Key(f) != Key(p)) && points.Count + fresh.Count < maxCandidates) fresh.Add(p);
            if (fresh.Count > 0)
            {
                var scores = await evaluate(fresh, stage, ct);
                if (scores.Count != fresh.Count) throw new InvalidOperationException($"the evaluator returned {scores.Count} scores for {fresh.Count} points");
                for (var k = 0; k < fresh.Count; k++)
                {
                    seen[Key(fresh[k])] = points.Count;
                    points.Add(new SearchPoint(fresh[k], stage, scores[k]));
                }
            }
            return asked.Select(Key).Where(seen.ContainsKey).Select(k => seen[k]).Distinct().ToList();
        }

        int BestOf(IEnumerable<int> indices)
        {
            var best = -1;
            foreach (var i in indices)
                if (best < 0 || points[i].Score.Beats(points[best].Score)) best = i;
            return best;
        }

        if (d <= 2 && GridSize(sizes, maxCandidates) is not null)
        {
            var all = await Batch(Grid(sizes.Select(s => Enumerable.Range(0, s).ToArray()).ToList()), "grid");
            return new SearchOutcome("grid", points, BestOf(all), "the whole grid was tried");
        }

        var initial = new List<int[]> { start };
        var method = "pattern search from the plan";
        var levels = sizes.Select(s => s >= 3 ? new[] { 0, (s - 1) / 2, s - 1 } : Enumerable.Range(0, s).ToArray()).ToList();
        if (GridSize(levels.Select(l => l.Length).ToList(), maxCandidates / 3) is not null)
        {
            initial.AddRange(Grid(levels));
            method = "coarse grid, then pattern search";
        }
        var current = BestOf(await Batch(initial, "start"));
        var step = sizes.Select(s => Math.Max(1, (s - 1) / 4)).ToArray();
        string stop;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var here = points[current].Index;
            var poll = new List<int[]>();
            for (var i = 0; i < d; i++)
                foreach (var sign in new[] { -1, 1 })
                {
                    var p = (int[])here.Clone();
                    p[i] = Math.Clamp(here[i] + sign * step[i], 0, sizes[i] - 1);
                    if (p[i] != here[i]) poll.Add(p);
                }
            var capped = points.Count + poll.Count(p => !seen.ContainsKey(Key(p))) > maxCandidates;
            var best = BestOf(await Batch(poll, "poll"));
            if (best >= 0 && points[best].Score.Beats(points[current].Score))
            {
                current = best;
            }
            else if (step.All(s => s == 1))
            {
                stop = "no neighbour one lattice step away is better";
                break;
            }
            else
            {
                for (var i = 0; i < d; i++) step[i] = Math.Max(1, step[i] / 2);
            }
            if (capped || points.Count >= maxCandidates)
            {
                stop = $"stopped at the cap of {maxCandidates} candidates";
                break;
            }
        }
        return new SearchOutcome(method, points, current, stop);
    }

    /// <summary>Every combination of the given index lists, the first dimension varying slowest.</summary>
    public static List<int[]> Grid(IReadOnlyList<int[]> levels)
    {
        var result = new List<int[]> { Array.Empty<int>() };
        foreach (var l in levels)
            result = result.SelectMany(p => l.Select(v => p.Append(v).ToArray())).ToList();
        return result;
    }

    /// <summary>The index of the value nearest to <paramref name="value"/> (the lower one on a tie).</summary>
    public static int Nearest(IReadOnlyList<double> values, double value)
    {
        var best = 0;
        for (var k = 1; k < values.Count; k++)
            if (Math.Abs(values[k] - value) < Math.Abs(values[best] - value) - 1e-12) best = k;
        return best;
    }
}
