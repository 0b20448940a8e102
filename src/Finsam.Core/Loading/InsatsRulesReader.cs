using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>An individual insats's eligibility, duration and exit goal.</summary>
internal sealed class InsatsRulesReader(ReadingContext cx)
{
    public Eligibility ReadEligibility(MapView? m)
    {
        if (m is null) return Eligibility.Anyone;
        List<string> Names(string key, HashSet<string> known, string kind) =>
            m.Names(key).Where(n => cx.Ids.Ref(known, n.Value, n.Node, m.Sub(key), kind)).Select(n => n.Value).ToList();
        var e = new Eligibility(
            Names("target_groups", cx.Ids.TargetGroups, "target group"),
            Names("parties", cx.Ids.Parties, "party"),
            Names("income_states", cx.Ids.IncomeStates, "income state"),
            Names("ages", cx.Ids.AgeBands, "age band"));
        m.Done();
        return e;
    }

    public DurationSpec? ReadDuration(MapView? m)
    {
        if (m is null) return null;
        var kind = cx.Word(m, "distribution", Keyword.Durations, required: true);
        if (kind is null && m.Has("distribution"))
            foreach (var key in new[] { "mean", "sd", "months", "min", "max" }) m.Get(key);
        Param? mean = null, sd = null;
        int min = 1, max = 1;
        switch (kind)
        {
            case DurationKind.Geometric:
                mean = m.Param("mean", required: true, min: 1);
                break;
            case DurationKind.Gamma or DurationKind.LogNormal:
                mean = m.Param("mean", required: true, min: 0.5);
                sd = m.Param("sd", required: true, min: 0.01);
                break;
            case DurationKind.Fixed:
                min = max = m.Int("months", required: true, min: 1, max: ScenarioLoader.MaxMonths) ?? 1;
                break;
            case DurationKind.Uniform:
                min = m.Int("min", required: true, min: 1, max: ScenarioLoader.MaxMonths) ?? 1;
                max = m.Int("max", required: true, min: 1, max: ScenarioLoader.MaxMonths) ?? 1;
                if (max < min) cx.R.Error(m.Node, m.Path, $"duration max {max} is below min {min}");
                break;
        }
        m.Done();
        return kind is null ? null : new DurationSpec(kind.Value, mean, sd, min, max);
    }

    /// <summary><c>goal: { source, exits: [ { share, to: [occupations] } ] }</c>: shares summing to at most 1, disjoint groups.</summary>
    public ExitGoal? ReadGoal(MapView? g)
    {
        if (g is null) return null;
        var src = g.Str("source");
        g.Str("note");
        var parts = new List<GoalPart>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ok = true;
        var list = g.List("exits", required: true, idKey: "share");
        foreach (var p in list)
        {
            var share = p.Number("share", required: true, min: 0, max: 1);
            var to = p.Names("to");
            if (!p.Has("to")) cx.R.Error(p.Node, p.Sub("to"), "missing required field 'to'");
            var names = new List<string>();
            foreach (var (name, node) in to)
            {
                if (!cx.Ids.Ref(cx.Ids.Occupations, name, node, p.Sub("to"), "occupation")) { ok = false; continue; }
                if (!seen.Add(name)) { cx.R.Error(node, p.Sub("to"), $"'{name}' is already in another part of the goal"); ok = false; }
                names.Add(name);
            }
            p.Str("note");
            p.Done();
            if (share is null || names.Count == 0) { ok = false; continue; }
            parts.Add(new GoalPart(share.Value, names));
        }
        if (g.Get("exits") is YamlSequenceNode { Children.Count: 0 } empty)
        {
            cx.R.Error(empty, g.Sub("exits"), "a goal needs at least one part: { share, to: [occupations] }");
            ok = false;
        }
        if (ok && parts.Sum(p => p.Share) > 1 + 1e-3 && g.Get("exits") is { } en)
        {
            cx.R.Error(en, g.Sub("exits"), $"the goal's shares sum to {YamlReader.Fmt(parts.Sum(p => p.Share))}, more than 1");
            ok = false;
        }
        g.Done();
        return ok ? new ExitGoal(parts, src) : null;
    }
}
