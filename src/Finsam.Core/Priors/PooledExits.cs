namespace Finsam.Core.Priors;

/// <summary>
/// The "pooled all" exits: one multinomial shared by every insats given. The backtest's baseline of that name,
/// and what the exit model stacks its kind means with (<see cref="MeanStacking"/>), so the model contains it.
/// </summary>
public static class PooledExits
{
    /// <summary>
    /// The pooled exits of insatser: the class shares of one multinomial shared by all of them, fitted by
    /// maximum likelihood to what each recorded — grouped categories and count-censored rests included
    /// (expectation–maximisation: a censored record's true counts given its lower bounds, a grouped count split in
    /// proportion to the current shares). With complete single-class records only this is their summed shares.
    /// </summary>
    public static double[]? Classes(IReadOnlyList<InsatsExits> exits)
    {
        var used = exits.Where(e => e.Known > 0).ToList();
        if (used.Count == 0) return null;
        var k = OutcomeClasses.Count;
        var p = HierarchicalDirichlet.Uniform(k);
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var total = new double[k];
            foreach (var e in used)
            {
                var x = e.Cells.Select(c => c.Count).ToArray();
                if (e.Censored > 0)
                    x = CensoredCounts.Expected(x, e.Censored, e.Cells.Select(c => CensoredCounts.Fixed * Math.Max(1e-6, OutcomeClasses.Members(c.Mask).Sum(cl => p[cl]))).ToArray());
                for (var i = 0; i < x.Length; i++)
                {
                    var members = OutcomeClasses.Members(e.Cells[i].Mask).ToList();
                    var w = members.Sum(cl => p[cl]);
                    foreach (var cl in members) total[cl] += x[i] * (w > 0 ? p[cl] / w : 1.0 / members.Count);
                }
            }
            var t = total.Sum();
            if (t <= 0) return null;
            var next = total.Select(v => v / t).ToArray();
            var moved = next.Zip(p).Sum(q => Math.Abs(q.First - q.Second));
            p = next;
            if (moved < 1e-7) break;
        }
        return p;
    }
}
