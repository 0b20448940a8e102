using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Results;

/// <summary>Recorded results against the forecast of the same quantity, with intervals from the replicates.</summary>
public static class RecordedComparison
{
    /// <summary>Why a category is shown but not counted towards coverage.</summary>
    public const string NothingEitherSide = "nothing recorded and nothing forecast (median 0)";

    public static RecordedSummary Compare(Scenario scenario, ScenarioIndex ix, IReadOnlyList<ReplicateResult> replicates) =>
        Compare(scenario, ix, k => replicates.Select(new RecordedForecast(scenario.Recorded[k], ix).Of).ToList());

    /// <summary>The comparison from each recorded result's per-replicate forecasts (in replicate order).</summary>
    public static RecordedSummary Compare(Scenario scenario, ScenarioIndex ix, Func<int, IReadOnlyList<double[]>> forecastsOf) =>
        Compare(scenario, ix, k => StatsOf(forecastsOf(k), scenario.Recorded[k].IsDistribution ? new RecordedForecast(scenario.Recorded[k], ix).Categories.Count : 0));

    private static ForecastStats StatsOf(IReadOnlyList<double[]> forecasts, int categories)
    {
        if (categories == 0) return new ForecastStats(Stat.Of(forecasts.Select(f => f[0])), [], [], []);
        var pooled = new double[categories];
        foreach (var f in forecasts) for (var c = 0; c < pooled.Length; c++) pooled[c] += f[c];
        var counts = new Stat?[categories];
        var shares = new Stat?[categories];
        for (var c = 0; c < categories; c++)
        {
            var cc = c;
            counts[c] = Stat.Of(forecasts.Select(f => f[cc]));
            shares[c] = Stat.Of(forecasts.Select(f => f.Sum() is var t && t > 0 ? f[cc] / t : double.NaN));
        }
        return new ForecastStats(null, counts, shares, pooled);
    }

    /// <summary>
    /// What the comparison needs of one recorded result's forecasts over replicates: the statistic of a single value, or per
    /// category the statistics of its count and of its share of the replicate's total, and its count summed over replicates
    /// in replicate order. A streaming summary computes these from its columns (<see cref="SummaryLayout"/>).
    /// </summary>
    public sealed record ForecastStats(Stat? Single, Stat?[] Counts, Stat?[] Shares, double[] Pooled);

    /// <summary>The comparison from each recorded result's forecast statistics.</summary>
    public static RecordedSummary Compare(Scenario scenario, ScenarioIndex ix, Func<int, ForecastStats> statsOf)
    {
        var checks = new List<RecordedCheck>();
        for (var k = 0; k < scenario.Recorded.Count; k++)
        {
            var rec = scenario.Recorded[k];
            var layout = new RecordedForecast(rec, ix);
            var forecast = statsOf(k);
            var period = $"{rec.From}…{rec.To}";
            var name = Summariser.QuantityName(rec.Quantity);
            var subgroup = rec.Subgroup is { } sg ? $"{(sg.ByIncome ? "start_income" : "start_occupation")}: {string.Join(", ", sg.States)}" : null;
            if (!rec.IsDistribution)
            {
                var stat = forecast.Single ?? Stat.Zero;
                checks.Add(new RecordedCheck(rec.Id, name, rec.Insats, period, rec.Source, rec.Value, stat, null,
                    null, null, null, null, stat.Contains(rec.Value!.Value), rec.Note) { Subgroup = subgroup });
                continue;
            }
            var categoryNames = layout.Categories;
            var observed = layout.Observed();
            var n = observed.Sum();
            // Mean forecast shares pool the replicates' counts, so replicates with more exits weigh more.
            var pooled = forecast.Pooled;
            var pooledTotal = pooled.Sum();
            var meanShares = pooled.Select(x => pooledTotal > 0 ? x / pooledTotal : 0).ToArray();
            var categories = new List<CategoryCheck>();
            for (var c = 0; c < categoryNames.Count; c++)
            {
                var shares = forecast.Shares[c] ?? Stat.Zero;
                var counts = forecast.Counts[c] ?? Stat.Zero;
                if (observed[c] == 0 && counts.P95 == 0 && counts.Mean == 0) continue;
                var check = new CategoryCheck(categoryNames[c], observed[c], Stat.Round(observed[c] / n), counts, shares, shares.Contains(observed[c] / n));
                // A category where the report has no one and most replicates have no one agrees trivially;
                // counting it would flatter coverage, so it is shown but not counted.
                if (observed[c] == 0 && counts.P50 == 0) check = check with { NotCounted = NothingEitherSide };
                categories.Add(check);
            }
            double? tvd = null, g = null, p = null;
            int? df = null;
            if (pooledTotal > 0)
            {
                tvd = Stat.Round(Scoring.TotalVariation(observed, meanShares));
                var (gs, d, pv) = Scoring.GTest(observed, meanShares);
                g = double.IsFinite(gs) ? Stat.Round(gs) : null;
                df = d;
                p = Stat.Round(pv);
            }
            var notAccounted = layout.NotAccounted();
            checks.Add(new RecordedCheck(rec.Id, name, rec.Insats, period, rec.Source, n, null, categories,
                tvd, g, df, p, categories.Where(c => c.NotCounted is null).All(c => c.Inside), rec.Note)
            {
                Subgroup = subgroup, NotAccounted = notAccounted > 0 ? notAccounted : null,
            });
        }
        // Coverage counts every interval: single values and each counted category of a distribution.
        var intervals = checks.SelectMany(c => c.Categories is null ? [c.Inside] : c.Categories.Where(x => x.NotCounted is null).Select(x => x.Inside)).ToList();
        return new RecordedSummary(checks, intervals.Count(b => b), intervals.Count, Stat.Round(Scoring.Coverage(intervals)));
    }
}
