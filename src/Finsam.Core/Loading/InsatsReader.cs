using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary><c>insatser[]</c>: kind, dates, cost and capacity, exits, dropout and chains; rules and effects have their own readers.</summary>
internal sealed class InsatsReader(ReadingContext cx, IReadOnlyList<Occupation> occupations)
{
    private readonly InsatsRulesReader _rules = new(cx);
    private readonly EffectReader _effects = new(cx);

    public Insats? Read(MapView m)
    {
        var id = m.Str("id", required: true);
        var name = m.Str("name") ?? id;
        m.Str("description");
        m.Str("source");
        m.Str("note");
        var kind = cx.Word(m, "kind", Keyword.InsatsKinds, required: true);
        var evidenceKind = cx.Priors.Kind(m);
        var priors = cx.Priors.File;
        var line = m.Str("budget_line");
        if (line is not null) cx.Ids.Ref(cx.Ids.BudgetLines, line, m.Get("budget_line"), m.Sub("budget_line"), "budget line");
        var start = m.Month("start");
        var intakeStop = m.Month("intake_stop");
        var stop = m.Month("stop");
        if (start is not null && stop is not null && stop < start)
            cx.R.Error(m.Get("stop")!, m.Sub("stop"), $"stop {stop} is before start {start}");
        if (intakeStop is not null && stop is not null && stop < intakeStop)
            cx.R.Error(m.Get("intake_stop")!, m.Sub("intake_stop"), $"intake_stop {intakeStop} is after stop {stop}");

        var individualKeys = new[] { "capacity", "eligibility", "duration", "exits", "dropout", "give_up", "chains", "goal", "insats_kind" };
        var structuralKeys = new[] { "effects" };
        if (kind is not null)
            foreach (var key in kind == InsatsKind.Individual ? structuralKeys : individualKeys)
                if (m.Get(key) is { } wrong)
                    cx.R.Error(wrong, m.Sub(key), $"'{key}' applies only to {(kind == InsatsKind.Individual ? "structural" : "individual")} insatser");
        if (kind is null) { foreach (var k in individualKeys.Concat(structuralKeys)) m.Get(k); m.Get("cost"); m.Done(); return null; }

        var cost = m.Child("cost", required: line is not null);
        Param? perPlace = null, perFte = null, perYear = null;
        if (cost is not null && line is null)
            cx.R.Error(cost.Node, cost.Path, "a cost needs a budget_line to be paid from");
        var insats = new Insats { Id = id ?? "", Name = name ?? "", Kind = kind.Value, EvidenceKind = evidenceKind, BudgetLine = line, Start = start, IntakeStop = intakeStop, Stop = stop };
        if (kind == InsatsKind.Structural)
        {
            if (cost is not null) perYear = cost.Param("per_year", required: true, min: 0, max: WorkBudget.MaxAmount);
            cost?.Done();
            var effects = m.List("effects", required: true, idKey: "on").Select(_effects.Read).OfType<Effect>().ToList();
            m.Done();
            return id is null ? null : insats with { CostPerYear = perYear, Effects = effects };
        }

        var cap = m.Child("capacity", required: true);
        Param? places = null, fte = null, caseload = null;
        if (cap is not null)
        {
            places = PositiveParam(cap, "places", WorkBudget.MaxPlaces);
            fte = PositiveParam(cap, "fte", WorkBudget.MaxFte);
            caseload = PositiveParam(cap, "caseload", WorkBudget.MaxCaseload);
            if (fte is not null && caseload is not null && fte.Dist.Upper * caseload.Dist.Upper > WorkBudget.MaxPlaces)
                cx.R.Error(cap.Get("caseload")!, cap.Sub("caseload"),
                    $"fte × caseload can reach {YamlReader.Fmt(fte.Dist.Upper * caseload.Dist.Upper)} places; at most {YamlReader.Fmt(WorkBudget.MaxPlaces)} are allowed");
            if (cap.Has("places") == cap.Has("fte"))
                cx.R.Error(cap.Node, cap.Path, "give capacity either as 'places' or as 'fte' with 'caseload'");
            else if (cap.Has("fte") && !cap.Has("caseload") && priors is not null)
                caseload = cx.Priors.Caseload(evidenceKind, cap.Sub("caseload"));
            else if (cap.Has("fte") != cap.Has("caseload"))
                cx.R.Error(cap.Node, cap.Path, "'fte' and 'caseload' go together: places = fte × caseload (or leave caseload out and give 'priors:')");
            cap.Done();
        }
        if (cost is not null)
        {
            perPlace = cost.Param("per_place_month", min: 0, max: WorkBudget.MaxAmount);
            perFte = cost.Param("per_fte_year", min: 0, max: WorkBudget.MaxAmount);
            if (cap is not null && cap.Has("places") && !cost.Has("per_place_month"))
                cx.R.Error(cost.Node, cost.Path, "capacity is given in places, so the cost needs 'per_place_month'");
            if (cap is not null && cap.Has("fte") && !cost.Has("per_fte_year"))
                cx.R.Error(cost.Node, cost.Path, "capacity is given in fte, so the cost needs 'per_fte_year'");
            cost.Done();
        }
        var eligibility = _rules.ReadEligibility(m.Child("eligibility"));
        // duration: { realised_mean: T } states the realised mean stay (after dropout); the intended stay is derived below.
        Param? realised = null;
        DurationSpec? duration = null;
        if (m.Get("duration") is YamlMappingNode dn && dn.Children.Any(c => c.Key is YamlScalarNode { Value: "realised_mean" }))
        {
            var dur = m.Child("duration")!;
            realised = dur.Param("realised_mean", required: true, min: 1);
            dur.Done();
        }
        else duration = _rules.ReadDuration(m.Child("duration", required: priors is null));
        if (duration is null && realised is null && priors is not null && !m.Has("duration"))
            realised = cx.Priors.RealisedStay(evidenceKind, m.Sub("duration.realised_mean"));
        Mix? exits = null;
        string? exitModel = null;
        if (m.Get("exits") is YamlMappingNode { Children.Count: 1 } em && em.Children.First().Key is YamlScalarNode { Value: "model" })
        {
            var ex = m.Child("exits")!;
            exitModel = ex.Str("model", required: true);
            if (!cx.Ids.Ref(cx.Ids.ExitModels, exitModel, ex.Get("model"), ex.Sub("model"), "exit model")) exitModel = null;
            ex.Done();
        }
        else if (m.Has("exits") || priors is null) exits = m.Mix("exits", cx.Ids.Occupations.Contains, "occupation", required: true);
        else if (id is not null) exitModel = cx.Priors.ExitModelFor(evidenceKind, id, occupations);
        Param? dropout = null;
        string? dropoutTo = null;
        if (m.Get("dropout") is YamlMappingNode dm && !YamlReader.IsDistribution(dm))
        {
            var d = m.Child("dropout")!;
            dropout = d.Param("monthly", required: true, min: 0, max: 1);
            dropoutTo = d.Str("to");
            if (dropoutTo is not null) cx.Ids.Ref(cx.Ids.Occupations, dropoutTo, d.Get("to"), d.Sub("to"), "occupation");
            d.Done();
        }
        else dropout = m.Param("dropout", min: 0, max: 1);
        if (dropout is null && !m.Has("dropout") && priors is not null) dropout = cx.Priors.Dropout(evidenceKind, m.Sub("dropout"));
        if (realised is not null)
            duration = cx.Priors.Intended(realised, dropout, m.Sub("duration"), msg => { cx.R.Error(m.Get("duration") ?? m.Node, m.Sub("duration"), msg); return false; });
        var giveUp = m.Param("give_up", min: 0, max: 1);
        var chains = new List<Chain>();
        foreach (var c in m.List("chains", idKey: "to"))
        {
            var to = c.Str("to", required: true);
            var ok = cx.Ids.RefInsats(to, c.Get("to"), c.Sub("to"));
            if (ok && to == id) { cx.R.Error(c.Get("to")!, c.Sub("to"), "an insats cannot chain into itself"); ok = false; }
            var p = c.Param("probability", required: true, min: 0, max: 1);
            c.Done();
            if (ok && p is not null) chains.Add(new Chain(to!, p));
        }
        if (chains.Sum(c => c.Probability.Dist.Upper) > 1 + 1e-9 && m.Get("chains") is { } cn)
            cx.R.Error(cn, m.Sub("chains"), $"chain probabilities can sum to {YamlReader.Fmt(chains.Sum(c => c.Probability.Dist.Upper))}, more than 1");
        var goal = _rules.ReadGoal(m.Child("goal"));
        m.Done();
        if (id is null) return null;
        return insats with
        {
            Places = places, Fte = fte, Caseload = caseload, CostPerPlaceMonth = perPlace, CostPerFteYear = perFte,
            Eligibility = eligibility, Duration = duration, Exits = exits, ExitModel = exitModel, Dropout = dropout, DropoutTo = dropoutTo,
            GiveUp = giveUp, Chains = chains, Goal = goal,
        };
    }

    private Param? PositiveParam(MapView m, string key, double max)
    {
        var p = m.Param(key, min: double.NegativeInfinity, max: max);
        if (p is null) return null;
        if (p.Dist.Lower <= 0)
        {
            cx.R.Error(m.Get(key)!, m.Sub(key), p.Dist.IsFixed
                ? $"capacity must be greater than 0, found {YamlReader.Fmt(p.Dist.Lower)}"
                : $"capacity must be greater than 0, but the distribution reaches {YamlReader.Fmt(p.Dist.Lower)}");
            return null;
        }
        return p;
    }
}
