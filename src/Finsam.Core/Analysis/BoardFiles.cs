using System.Globalization;
using Finsam.Core.Results;

namespace Finsam.Core.Analysis;

/// <summary>The board's CSV tables in a result folder: economics.csv, economics_replicates.csv and sensitivity.csv.</summary>
public static class BoardFiles
{
    public static IEnumerable<(string Name, string[] Header, IEnumerable<IEnumerable<string>> Rows)> Tables(RunSummary s)
    {
        if (s.Economics is { } e)
        {
            IEnumerable<string> Row(string sector, string figure, Stat? v) =>
                [sector, figure, Num(v?.Mean), Num(v?.P5), Num(v?.P50), Num(v?.P95)];
            var rows = e.Sectors.SelectMany(x => new[]
            {
                Row(x.Sector, "gain_horizon", x.Gain), Row(x.Sector, "forbund_cost", x.Cost),
                Row(x.Sector, "net_horizon", x.Net), Row(x.Sector, "net_with_follow_up", x.NetFollowUp),
            }).Concat(
            [
                Row("society", "production_horizon", e.Production), Row("society", "production_with_follow_up", e.ProductionFollowUp),
                Row("forbund", "spend_and_in_kind", e.ForbundSpend), Row("society", "payback_months_if_paid_back", e.PaybackMonths),
                Row("society", "share_paying_back", new Stat(e.PaybackShare, e.PaybackShare, e.PaybackShare, e.PaybackShare)),
                Row("forbund", "cost_per_work_or_studies", e.CostPerWorkOrStudies),
            ]);
            yield return ("economics.csv", ["sector", "figure", "mean", "p5", "p50", "p95"], rows);
            var keys = e.Replicates is ReplicateTable table ? table.Keys.ToList() : e.Replicates.SelectMany(r => r.Figures.Keys).Distinct().ToList();
            yield return ("economics_replicates.csv", ["replicate", .. keys],
                e.Replicates.Select(r => new[] { r.Replicate.ToString(CultureInfo.InvariantCulture) }.Concat(keys.Select(k => Num(r.Figures.GetValueOrDefault(k))))));
        }
        if (s.Sensitivity is { } sens)
            yield return ("sensitivity.csv", ["figure", "label", "input", "share", "p_value", "explained", "unexplained"],
                sens.Figures.SelectMany(f => f.Shares.Select(x => new[] { f.Figure, f.Label, x.Input, Num(x.Share), Num(x.PValue), Num(f.Explained), Num(f.Unexplained) })));
    }

    private static string Num(double? v) => v is { } d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "";
}
