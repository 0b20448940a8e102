using System.Runtime.CompilerServices;
using Finsam.Core.Results;

namespace Finsam.Core.Simulation;

/// <summary>Monthly transitions between income states as cumulative thresholds, with a fast path for staying.</summary>
public sealed class BaselineTable
{
    private readonly double[] _stay;    // [from] probability of any move
    private readonly double[][] _cum;   // [from][k]
    private readonly int[][] _to;       // [from][k]

    /// <param name="p">Monthly probability of each move, [from, to] (the diagonal is ignored).</param>
    public BaselineTable(Table<double> p)
    {
        var n = p.Rows;
        _stay = new double[n];
        _cum = new double[n][];
        _to = new int[n][];
        for (var s = 0; s < n; s++)
        {
            var row = Enumerable.Range(0, n).Where(t => t != s && p[s, t] > 0).ToArray();
            var probs = row.Select(t => p[s, t]).ToArray();
            var total = probs.Sum();
            // Effects can push a row past 1; scale it back so the moves stay a distribution.
            if (total > 1) { probs = probs.Select(x => x / total).ToArray(); total = 1; }
            _stay[s] = total;
            _to[s] = row;
            var acc = 0.0;
            _cum[s] = probs.Select(x => acc += x).ToArray();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Step(int from, double u)
    {
        if (u >= _stay[from]) return from;
        var cum = _cum[from];
        for (var k = 0; k < cum.Length; k++) if (u < cum[k]) return _to[from][k];
        return _to[from][^1];
    }

    public double MoveProbability(int from) => _stay[from];
}
