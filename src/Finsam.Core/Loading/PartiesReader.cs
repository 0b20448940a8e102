using Finsam.Core.Scenarios;

namespace Finsam.Core.Loading;

/// <summary><c>parties[]</c>: who pays into the förbund, by share or amount, and the staff they lend to insatser.</summary>
internal sealed class PartiesReader(ReadingContext cx)
{
    public List<Party> Read(MapView top)
    {
        var parties = new List<Party>();
        var unreadShare = false;
        var list = top.List("parties", required: true);
        if (list.Count == 0 && top.Get("parties") is { } pn)
            cx.R.Error(pn, "parties", "at least one party is needed");
        foreach (var m in list)
        {
            var id = m.Str("id", required: true);
            var name = m.Str("name") ?? id ?? "";
            var kind = cx.Word(m, "kind", Keyword.PartyKinds, required: true);
            var share = m.Number("share", min: 0, max: 1);
            unreadShare |= share is null && m.Get("share") is not null;
            var amount = m.Number("amount", min: 0, max: WorkBudget.MaxAmount);
            if (m.Has("share") == m.Has("amount"))
                cx.R.Error(m.Node, m.Path, "give the party either 'share' (of each year's total) or 'amount' (SEK per year), not both or neither");
            var staff = new List<StaffLoan>();
            foreach (var s in m.List("staff", idKey: "insats"))
            {
                var insats = s.Str("insats", required: true);
                var ok = cx.Ids.RefInsats(insats, s.Get("insats"), s.Sub("insats"));
                if (ok && !cx.Ids.GivesFte(insats!))
                {
                    cx.R.Error(s.Get("insats")!, s.Sub("insats"), $"staff can only be lent to an insats whose capacity is given as fte and caseload; '{insats}' gives places");
                    ok = false;
                }
                var fte = s.Number("fte", required: true, min: 0, max: WorkBudget.MaxFte);
                if (fte is 0) cx.R.Error(s.Get("fte")!, s.Sub("fte"), "fte must be > 0");
                var value = s.Number("value_per_fte_year", min: 0, max: WorkBudget.MaxAmount) ?? 0;
                s.Done();
                if (ok && fte is > 0) staff.Add(new StaffLoan(insats!, fte.Value, value));
            }
            m.Done();
            // A party that could not be read has a share the sum below would miss: its own error says enough.
            unreadShare |= (id is null || kind is null) && m.Has("share");
            if (id is not null && kind is not null) parties.Add(new Party(id, name, kind.Value, m.Has("share") ? share : null, m.Has("amount") ? amount : null, staff));
        }
        var shares = parties.Where(p => p.Share is not null).ToList();
        if (!unreadShare && shares.Count > 0 && Math.Abs(shares.Sum(p => p.Share!.Value) - 1) > 0.001 && top.Get("parties") is { } node)
            cx.R.Error(node, "parties", $"party shares sum to {YamlReader.Fmt(shares.Sum(p => p.Share!.Value) * 100)} %, expected 100 % ({string.Join(" + ", shares.Select(p => $"{p.Id} {YamlReader.Fmt(p.Share!.Value * 100)} %"))})");
        return parties;
    }
}
