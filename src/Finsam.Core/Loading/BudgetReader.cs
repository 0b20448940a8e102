using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary><c>budget</c>: equity, carry-over, budget lines and each year's total and line shares.</summary>
internal sealed class BudgetReader(ReadingContext cx)
{
    public Budget? Read(MapView top, List<Party> parties)
    {
        var b = top.Child("budget", required: true);
        if (b is null) return null;
        var equity = b.Number("equity", min: 0, max: WorkBudget.MaxAmount) ?? 0;
        var carry = b.Bool("carry_over") ?? true;
        var lines = new List<BudgetLine>();
        foreach (var l in b.List("lines", required: true))
        {
            var id = l.Str("id", required: true);
            var name = l.Str("name") ?? id;
            l.Str("description");
            l.Done();
            if (id is not null) lines.Add(new BudgetLine(id, name!));
        }
        if (lines.Count == 0 && b.Get("lines") is { } ln) cx.R.Error(ln, "budget.lines", "at least one budget line is needed");
        var years = new List<BudgetYear>();
        var allAmounts = parties.Count > 0 && parties.All(p => p.Amount is not null);
        foreach (var y in b.List("years", required: true, idKey: "year"))
        {
            var year = y.Int("year", required: true, min: 1900, max: 2200);
            var total = y.Param("total", required: !allAmounts, min: 0, max: WorkBudget.MaxAmount);
            var shares = new Dictionary<string, double>(StringComparer.Ordinal);
            var sharesMap = y.Child("shares", required: true);
            if (sharesMap is not null)
            {
                var allRead = true;
                foreach (var (k, v) in sharesMap.Node.Children)
                {
                    var line = ((YamlScalarNode)k).Value ?? "";
                    sharesMap.Get(line);
                    var path = sharesMap.Sub(line);
                    var known = cx.Ids.Ref(cx.Ids.BudgetLines, line, k, path, "budget line");
                    if (cx.R.Number(v, path, 0, 1) is { } share && known) shares[line] = share;
                    else allRead = false;
                }
                var sum = shares.Values.Sum();
                if (allRead && shares.Count > 0 && Math.Abs(sum - 1) > 0.001)
                    cx.R.Error(sharesMap.Node, sharesMap.Path, $"budget line shares sum to {YamlReader.Fmt(sum * 100)} %, expected 100 %");
            }
            y.Done();
            if (year is null) continue;
            if (years.Any(e => e.Year == year)) cx.R.Error(y.Node, y.Path, $"duplicate budget year {year}");
            years.Add(new BudgetYear(year.Value, total, shares));
        }
        b.Done();
        if (cx.HorizonKnown && years.Count > 0 && years.Min(y => y.Year) > cx.Start.Year && b.Get("years") is { } yn)
            cx.R.Error(yn, "budget.years", $"the budget starts in {years.Min(y => y.Year)} but the horizon starts in {cx.Start.Year}; add a year for {cx.Start.Year}");
        return new Budget(equity, carry, lines, years.OrderBy(y => y.Year).ToList());
    }
}
