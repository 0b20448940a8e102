using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary><c>recorded[]</c>: what evaluations measured, as a single value or as counts per category.</summary>
internal sealed class RecordedReader(ReadingContext cx)
{
    public RecordedResult? Read(MapView m)
    {
        var id = m.Str("id", required: true);
        var q = cx.Word(m, "quantity", Keyword.Quantities, required: true);
        var qText = q is { } quantity ? Keyword.Quantities.NameOf(quantity) : null;
        var insats = m.Str("insats", required: true);
        var okI = cx.Ids.RefInsats(insats, m.Get("insats"), m.Sub("insats"));
        var isDist = q is RecordedQuantity.ExitOccupation or RecordedQuantity.StartIncome or RecordedQuantity.StartOccupation;
        double? value = null;
        Dictionary<string, double>? counts = null;
        if (q is not null && isDist)
        {
            var known = q == RecordedQuantity.StartIncome ? cx.Ids.IncomeStates : cx.Ids.Occupations;
            var c = m.Child("counts", required: true);
            if (c is not null)
            {
                counts = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (k, v) in c.Node.Children)
                {
                    var cat = ((YamlScalarNode)k).Value ?? "";
                    c.Get(cat);
                    if (cx.Ids.Ref(known, cat, k, c.Sub(cat), q == RecordedQuantity.StartIncome ? "income state" : "occupation")
                        && cx.R.Number(v, c.Sub(cat), 0) is { } n) counts[cat] = n;
                }
                if (counts.Count > 0 && counts.Values.Sum() <= 0)
                    cx.R.Error(c.Node, c.Path, "recorded counts sum to 0: nothing to compare with");
            }
            if (m.Has("value")) cx.R.Error(m.Get("value")!, m.Sub("value"), $"'{qText}' is a distribution: give 'counts', not 'value'");
        }
        else if (q is not null)
        {
            value = m.Number("value", required: true, min: 0);
            if (m.Has("counts")) cx.R.Error(m.Get("counts")!, m.Sub("counts"), $"'{qText}' is a single number: give 'value', not 'counts'");
        }
        var from = m.Month("from") ?? cx.Start;
        var to = m.Month("to") ?? cx.Start.AddMonths(cx.Months - 1);
        if (to < from) cx.R.Error(m.Node, m.Path, $"period ends ({to}) before it starts ({from})");
        if (cx.HorizonKnown && (from < cx.Start || to > cx.Start.AddMonths(cx.Months - 1)))
            cx.R.Error(m.Node, m.Path, $"the period {from}…{to} lies outside the horizon {cx.Start}…{cx.Start.AddMonths(cx.Months - 1)}");
        var src = m.Str("source", required: true);
        var note = m.Str("note");
        m.Done();
        if (id is null || q is null || !okI || src is null || (isDist ? counts is null : value is null)) return null;
        return new RecordedResult(id, q.Value, insats!, value, counts, from, to, src, note);
    }
}
