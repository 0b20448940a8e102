using Finsam.Core.Scenarios;

namespace Finsam.Core.Loading;

/// <summary><c>baseline.transitions[]</c>: monthly moves between income states without any insats.</summary>
internal sealed class BaselineReader(ReadingContext cx)
{
    public List<BaselineTransition> Read(MapView top)
    {
        var list = new List<BaselineTransition>();
        var b = top.Child("baseline");
        if (b is null) return list;
        foreach (var t in b.List("transitions", idKey: "from"))
        {
            var from = t.Str("from", required: true);
            var to = t.Str("to", required: true);
            var okF = cx.Ids.Ref(cx.Ids.IncomeStates, from, t.Get("from"), t.Sub("from"), "income state");
            var okT = cx.Ids.Ref(cx.Ids.IncomeStates, to, t.Get("to"), t.Sub("to"), "income state");
            var p = t.Param("monthly", required: true, min: 0, max: 1);
            t.Str("source");
            t.Str("note");
            t.Done();
            if (okF && okT && from == to) { cx.R.Error(t.Node, t.Path, "a transition must go to another state"); continue; }
            if (okF && okT && p is not null)
            {
                if (list.Any(x => x.From == from && x.To == to)) cx.R.Error(t.Node, t.Path, $"duplicate transition {from} → {to}");
                list.Add(new BaselineTransition(from!, to!, p));
            }
        }
        foreach (var g in list.GroupBy(t => t.From))
        {
            var max = g.Sum(t => t.Monthly.Dist.Upper);
            if (max > 1 + 1e-9)
                cx.R.Error(b.Get("transitions")!, "baseline.transitions", $"monthly probabilities out of '{g.Key}' can sum to {YamlReader.Fmt(max)}, more than 1");
        }
        b.Done();
        return list;
    }
}
