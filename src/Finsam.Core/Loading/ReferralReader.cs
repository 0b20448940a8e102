using Finsam.Core.Scenarios;

namespace Finsam.Core.Loading;

/// <summary><c>referrals[]</c>: flows (a monthly rate) or one-off cohorts from a party's target group to an insats.</summary>
internal sealed class ReferralReader(ReadingContext cx)
{
    public List<ReferralFlow> Read(MapView top)
    {
        var flows = new List<ReferralFlow>();
        foreach (var m in top.List("referrals", required: true))
        {
            var from = m.Str("from", required: true);
            var group = m.Str("target_group", required: true);
            var to = m.Str("to", required: true);
            var okFrom = cx.Ids.Ref(cx.Ids.Parties, from, m.Get("from"), m.Sub("from"), "party");
            var okGroup = cx.Ids.Ref(cx.Ids.TargetGroups, group, m.Get("target_group"), m.Sub("target_group"), "target group");
            var okTo = cx.Ids.RefInsats(to, m.Get("to"), m.Sub("to"));
            var rate = m.Param("rate", min: 0, max: WorkBudget.MaxReferralRate);
            var count = m.Int("count", min: 1, max: WorkBudget.MaxCohort);
            if (m.Has("rate") == m.Has("count"))
                cx.R.Error(m.Node, m.Path, "give either 'rate' (expected referrals per month) or 'count' (a one-off cohort), not both or neither");
            var start = m.Month("start");
            var stop = m.Month("stop");
            if (start is not null && stop is not null && stop < start)
                cx.R.Error(m.Get("stop")!, m.Sub("stop"), $"stop {stop} is before start {start}");
            if (cx.HorizonKnown && count is not null && start is not null && (start < cx.Start || start > cx.Start.AddMonths(cx.Months - 1)))
                cx.R.Error(m.Get("start")!, m.Sub("start"), $"the cohort arrives in {start}, outside the horizon {cx.Start}…{cx.Start.AddMonths(cx.Months - 1)}");
            var id = m.Str("id");
            m.Str("source");
            m.Str("note");
            m.Done();
            if (!(okFrom && okGroup && okTo) || (rate is null && count is null)) continue;
            var baseId = id ?? $"{from}>{group}>{to}";
            var unique = baseId;
            for (var k = 2; flows.Any(f => f.Id == unique); k++) unique = $"{baseId}#{k}";
            flows.Add(new ReferralFlow(unique, from!, group!, to!, rate, count, start, stop));
        }
        return flows;
    }
}
