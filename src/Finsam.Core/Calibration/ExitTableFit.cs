namespace Finsam.Core.Calibration;

/// <summary>
/// What is known of one insats for fitting a start → exit table: how its participants were spread
/// over the table's rows at admission, and how many left to each exit category.
/// </summary>
/// <param name="Name">For messages.</param>
/// <param name="Start">Start counts (or shares) over the rows.</param>
/// <param name="Exits">Exit counts over the categories.</param>
public sealed record MarginalData(string Name, double[] Start, double[] Exits);

/// <summary>
/// A fitted table: <see cref="Theta"/>[row][exit] the MAP exit shares, <see cref="Expected"/>[row][exit]
/// the exits the data attribute to each row (the E-step's expected counts at the optimum).
/// </summary>
public sealed record ExitTableFit(double[][] Theta, double[][] Expected, int Iterations, double LogPosterior, bool Converged);

/// <summary>
/// Fits exit shares by start row, θ[o][e] = P(exit e | admitted in o), from marginals only: for each
/// insats k its start shares s_k and its exit counts n_k, where the exit distribution of k is the
/// mixture q_k = Σ_o s_k(o) θ[o]. The start → exit cross-table itself is never observed.
///
/// Maximises the penalised log-likelihood Σ_k Σ_e n_k(e) ln q_k(e) + Σ_o Σ_e α[o][e] ln θ[o][e]
/// (the posterior mode under a Dirichlet(α + 1) prior on each row, i.e. α acts as pseudo-counts) by
/// expectation–maximisation: the E-step splits each insats's exits to e over its start rows in
/// proportion to s_k(o) θ[o][e]; the M-step sets θ[o] ∝ expected counts + α[o]. Each step raises the
/// objective. A mixture likelihood need not have a single optimum, so the iteration starts from the
/// prior mean and returns the optimum it climbs to from there.
/// </summary>
public static class ExitTableFitter
{
    public static ExitTableFit Fit(IReadOnlyList<MarginalData> data, double[][] alpha, int maxIterations = 10_000, double tolerance = 1e-10)
    {
        var rows = alpha.Length;
        if (rows == 0) throw new ArgumentException("no rows");
        var cats = alpha[0].Length;
        foreach (var a in alpha)
            if (a.Length != cats || a.Any(x => x < 0 || !double.IsFinite(x))) throw new ArgumentException("prior weights must be finite, ≥ 0 and of one length");
        foreach (var d in data)
            if (d.Start.Length != rows || d.Exits.Length != cats) throw new ArgumentException($"{d.Name}: start has {d.Start.Length} rows and exits {d.Exits.Length} categories; expected {rows} and {cats}");

        var starts = data.Select(d => Normalise(d.Start)).ToArray();
        var theta = alpha.Select(a => a.Sum() > 0 ? Normalise(a) : Enumerable.Repeat(1.0 / cats, cats).ToArray()).ToArray();
        var expected = NewTable(rows, cats);
        var last = double.NegativeInfinity;
        var converged = false;
        var iterations = 0;
        for (; iterations < maxIterations; iterations++)
        {
            // E-step.
            expected = NewTable(rows, cats);
            for (var k = 0; k < data.Count; k++)
                for (var e = 0; e < cats; e++)
                {
                    var n = data[k].Exits[e];
                    if (n <= 0) continue;
                    var q = 0.0;
                    for (var o = 0; o < rows; o++) q += starts[k][o] * theta[o][e];
                    if (q <= 0) continue;   // impossible under the current table: contributes nothing it can move
                    for (var o = 0; o < rows; o++) expected[o][e] += n * starts[k][o] * theta[o][e] / q;
                }
            // M-step.
            for (var o = 0; o < rows; o++)
            {
                var w = expected[o].Select((x, e) => x + alpha[o][e]).ToArray();
                var total = w.Sum();
                if (total > 0) theta[o] = w.Select(x => x / total).ToArray();
            }
            var objective = LogPosterior(data, starts, theta, alpha);
            if (Math.Abs(objective - last) <= tolerance * (1 + Math.Abs(objective)))
            {
                last = objective;
                converged = true;
                iterations++;
                break;
            }
            last = objective;
        }
        return new ExitTableFit(theta, expected, iterations, last, converged);
    }

    /// <summary>The exit shares of an insats with the given start counts or shares: q = Σ_o s(o) θ[o].</summary>
    public static double[] Predict(double[][] theta, IReadOnlyList<double> start)
    {
        var s = Normalise(start);
        var q = new double[theta[0].Length];
        for (var o = 0; o < theta.Length; o++)
            for (var e = 0; e < q.Length; e++) q[e] += s[o] * theta[o][e];
        return q;
    }

    private static double LogPosterior(IReadOnlyList<MarginalData> data, double[][] starts, double[][] theta, double[][] alpha)
    {
        var total = 0.0;
        for (var k = 0; k < data.Count; k++)
        {
            var q = Predict(theta, starts[k]);
            for (var e = 0; e < q.Length; e++)
                if (data[k].Exits[e] > 0) total += data[k].Exits[e] * Math.Log(Math.Max(q[e], 1e-300));
        }
        for (var o = 0; o < theta.Length; o++)
            for (var e = 0; e < theta[o].Length; e++)
                if (alpha[o][e] > 0) total += alpha[o][e] * Math.Log(Math.Max(theta[o][e], 1e-300));
        return total;
    }

    private static double[][] NewTable(int rows, int cats) => Enumerable.Range(0, rows).Select(_ => new double[cats]).ToArray();

    private static double[] Normalise(IReadOnlyList<double> w)
    {
        var t = w.Sum();
        return t > 0 ? w.Select(x => x / t).ToArray() : w.Select(_ => 0.0).ToArray();
    }
}
