namespace Finsam.Core.Calibration;

/// <summary>
/// Nelder–Mead walked exactly as MathNet.Numerics 5.0.0's <c>NelderMeadSimplex</c> walks it, which
/// calibration used before: the same trial points to the last bit, in the same order, the same
/// tie-breaking between vertices, the same convergence test (relative range of the values below the
/// tolerance twice running) and the same count of iterations. Its rules: reflect the highest vertex
/// through the centroid of the others and keep the point if it is lower than the highest; if it is the
/// lowest yet, try twice as far; if it is no better than the next-highest, try half-way between the
/// (possibly replaced) highest vertex and the centroid, and if that is no better than the highest was,
/// shrink every vertex half-way to the lowest.
/// Unlike that class it asks for the points it needs together — the starting simplex, a shrink's
/// vertices — in one call, so a cluster can evaluate them side by side; the walk is the same whether
/// they ran one after another or at once.
/// </summary>
public static class NelderMead
{
    private const double Jitter = 1e-10;

    /// <summary>The points the walk needs evaluated now, in the order it reads them (the best-so-far is kept in that order).</summary>
    public sealed record Ask(IReadOnlyList<double[]> Needed);

    /// <summary>The lowest vertex when the walk stopped, its value, whether it converged, and the iterations counted.</summary>
    public sealed record Outcome(double[] Point, double Value, bool Converged, int Iterations);

    /// <summary>
    /// Minimises from <paramref name="start"/> with the starting simplex <c>start + step[i]·eᵢ</c>. Stops when
    /// converged (then asks for the lowest vertex once more, as MathNet does) or when
    /// <paramref name="maxIterations"/> is reached (MathNet throws there; here <see cref="Outcome.Converged"/> is false).
    /// </summary>
    public static async Task<Outcome> MinimiseAsync(Func<Ask, Task<double[]>> evaluate, double[] start, double[] step, double tolerance, int maxIterations)
    {
        var n = start.Length;
        var vertices = new double[n + 1][];
        vertices[0] = (double[])start.Clone();
        for (var i = 0; i < n; i++)
        {
            var v = new double[n];
            for (var j = 0; j < n; j++) v[j] = start[j] + (j == i ? step[i] : 0.0);
            vertices[i + 1] = v;
        }
        var values = await evaluate(new Ask(vertices.ToArray()));
        var iterations = 0;
        var convergedTimes = 0;
        while (true)
        {
            var (lowest, next, highest) = Rank(values);
            var range = 2 * Math.Abs(values[highest] - values[lowest]) / (Math.Abs(values[highest]) + Math.Abs(values[lowest]) + Jitter);
            convergedTimes = range < tolerance ? convergedTimes + 1 : 0;
            if (convergedTimes == 2)
            {
                var best = vertices[lowest];
                return new Outcome(best, (await evaluate(new Ask([best])))[0], true, iterations);
            }

            // The centroid leaves out the highest vertex, so replacing that vertex does not move it.
            var centroid = Centroid(vertices, highest);
            var worst = vertices[highest];
            var reflection = Scaled(centroid, worst, -1.0);
            var fr = (await evaluate(new Ask([reflection])))[0];
            iterations++;
            if (fr < values[highest]) (vertices[highest], values[highest]) = (reflection, fr);
            if (fr <= values[lowest])
            {
                var expansion = Scaled(centroid, vertices[highest], 2.0);
                var fe = (await evaluate(new Ask([expansion])))[0];
                iterations++;
                if (fe < values[highest]) (vertices[highest], values[highest]) = (expansion, fe);
            }
            else if (fr >= values[next])
            {
                var currentWorst = values[highest];
                var contraction = Scaled(centroid, vertices[highest], 0.5);
                var fc = (await evaluate(new Ask([contraction])))[0];
                iterations++;
                if (fc < values[highest]) (vertices[highest], values[highest]) = (contraction, fc);
                if (fc >= currentWorst)
                {
                    var moved = new List<int>();
                    var low = vertices[lowest];
                    for (var i = 0; i < vertices.Length; i++)
                    {
                        if (i == lowest) continue;
                        var v = new double[n];
                        for (var j = 0; j < n; j++) v[j] = (vertices[i][j] + low[j]) * 0.5;
                        vertices[i] = v;
                        moved.Add(i);
                    }
                    var shrunk = await evaluate(new Ask(moved.Select(i => vertices[i]).ToList()));
                    for (var k = 0; k < moved.Count; k++) values[moved[k]] = shrunk[k];
                    iterations += vertices.Length;
                }
            }
            if (iterations >= maxIterations)
            {
                var (best, _, _) = Rank(values);
                return new Outcome(vertices[best], values[best], false, iterations);
            }
        }
    }

    /// <summary>The lowest (last of equals), next-highest and highest vertex, ranked as MathNet ranks them.</summary>
    private static (int Lowest, int Next, int Highest) Rank(double[] values)
    {
        int lowest = 0, highest, next;
        if (values[0] > values[1]) (highest, next) = (0, 1);
        else (highest, next) = (1, 0);
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v <= values[lowest]) lowest = i;
            if (v > values[highest])
            {
                next = highest;
                highest = i;
            }
            else if (v > values[next] && i != highest)
            {
                next = i;
            }
        }
        return (lowest, next, highest);
    }

    /// <summary>The mean of every vertex but the highest: summed in vertex order, then times 1/n (not divided), as MathNet does.</summary>
    private static double[] Centroid(double[][] vertices, int highest)
    {
        var n = vertices[0].Length;
        var c = new double[n];
        for (var i = 0; i < vertices.Length; i++)
        {
            if (i == highest) continue;
            for (var j = 0; j < n; j++) c[j] += vertices[i][j];
        }
        var scale = 1.0 / (vertices.Length - 1);
        for (var j = 0; j < n; j++) c[j] *= scale;
        return c;
    }

    /// <summary>The point <paramref name="factor"/> times as far from the centroid as <paramref name="from"/>: (from − centroid)·factor + centroid.</summary>
    private static double[] Scaled(double[] centroid, double[] from, double factor)
    {
        var p = new double[centroid.Length];
        for (var j = 0; j < p.Length; j++) p[j] = (from[j] - centroid[j]) * factor + centroid[j];
        return p;
    }
}
