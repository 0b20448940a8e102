using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>A structural insats's <c>effects[]</c>: multipliers on another insats, or a transition change on the baseline.</summary>
internal sealed class EffectReader(ReadingContext cx)
{
    public Effect? Read(MapView m)
    {
        var on = m.Str("on", required: true);
        string? target = null;
        if (on is not null && on != "baseline")
        {
            if (!cx.Ids.RefInsats(on, m.Get("on"), m.Sub("on"))) on = null;
            else target = on;
        }
        Param? Mult(string key) => m.Param(key, min: 0);
        var capacity = Mult("capacity");
        var duration = Mult("duration");
        var dropout = Mult("dropout");
        var giveUp = Mult("give_up");
        var referrals = Mult("referrals");
        var exits = new Dictionary<string, Param>(StringComparer.Ordinal);
        if (m.Child("exits") is { } ex)
        {
            foreach (var (k, _) in ex.Node.Children)
            {
                var occ = ((YamlScalarNode)k).Value ?? "";
                if (cx.Ids.Ref(cx.Ids.Occupations, occ, k, ex.Sub(occ), "occupation") && ex.Param(occ, min: 0) is { } p) exits[occ] = p;
            }
            ex.Done();
        }
        string? from = null, to = null;
        Param? transition = null;
        if (m.Child("transition") is { } t)
        {
            from = t.Str("from", required: true);
            to = t.Str("to", required: true);
            cx.Ids.Ref(cx.Ids.IncomeStates, from, t.Get("from"), t.Sub("from"), "income state");
            cx.Ids.Ref(cx.Ids.IncomeStates, to, t.Get("to"), t.Sub("to"), "income state");
            transition = t.Param("multiplier", required: true, min: 0);
            t.Done();
        }
        var ramp = m.Int("ramp_months", min: 0, max: ScenarioLoader.MaxMonths) ?? 0;
        m.Str("source");
        m.Str("note");
        m.Done();
        if (on == "baseline")
        {
            if (transition is null)
                cx.R.Error(m.Node, m.Path, "an effect on the baseline needs 'transition: {from, to, multiplier}'");
            foreach (var key in new[] { "capacity", "duration", "dropout", "give_up", "referrals", "exits" })
                if (m.Has(key)) cx.R.Error(m.Get(key)!, m.Sub(key), $"'{key}' applies to an effect on an insats, not on the baseline");
        }
        else if (target is not null)
        {
            if (m.Has("transition")) cx.R.Error(m.Get("transition")!, m.Sub("transition"), "'transition' applies to an effect on the baseline");
            if (capacity is null && duration is null && dropout is null && giveUp is null && referrals is null && exits.Count == 0)
                cx.R.Error(m.Node, m.Path, "the effect changes nothing: give capacity, duration, dropout, give_up, referrals or exits multipliers");
        }
        if (on is null) return null;
        return new Effect(target, capacity, duration, dropout, giveUp, referrals, exits, from, to, transition, ramp);
    }
}
