using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>
/// <c>recorded[]</c>: what evaluations measured, as a single value, as counts per category (SUS ids,
/// named groups of them, <c>Okänt</c>, <c>Kvar i insats</c>) or as an after-by-before cross-table.
/// </summary>
internal sealed class RecordedReader(ReadingContext cx, IReadOnlyDictionary<string, IReadOnlyList<string>> scenarioGroups)
{
    private enum Dimension { None, Occupation, Income, Reason, Band }

    private ReadingContext Cx => cx;

    public RecordedResult? Read(MapView m)
    {
        var id = m.Str("id", required: true);
        var q = cx.Word(m, "quantity", Keyword.Quantities, required: true);
        var qText = q is { } quantity ? Keyword.Quantities.NameOf(quantity) : null;
        var insats = m.Str("insats", required: true);
        var okI = cx.Ids.RefInsats(insats, m.Get("insats"), m.Sub("insats"));
        var dim = q is { } qq ? DimensionOf(qq) : Dimension.None;
        var isTable = q is RecordedQuantity.IncomeTransition or RecordedQuantity.OccupationTransition;
        var groups = ReadGroups(m);
        double? value = null;
        Dictionary<string, double>? counts = null;
        Dictionary<string, IReadOnlyDictionary<string, double>>? table = null;
        RecordedSubgroup? subgroup = null;
        var ok = true;
        if (q is not null && dim != Dimension.None)
        {
            var exitSide = q is RecordedQuantity.ExitOccupation or RecordedQuantity.ExitIncome or RecordedQuantity.ExitReason or RecordedQuantity.TimeInInsats;
            var c = m.Child("counts", required: true);
            if (c is not null)
            {
                if (isTable)
                {
                    table = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
                    var rows = new Categories(this, dim, groups, qText!, stillEnrolled: false);
                    foreach (var (k, v) in c.Node.Children)
                    {
                        var from = ((YamlScalarNode)k).Value ?? "";
                        c.Get(from);
                        if (!rows.Accept(from, k, c.Sub(from))) { ok = false; continue; }
                        if (cx.R.Map(v, c.Sub(from)) is not { } row) { ok = false; continue; }
                        var cells = ReadCounts(row, new Categories(this, dim, groups, qText!, stillEnrolled: false));
                        if (cells is null) ok = false; else table[from] = cells;
                    }
                }
                else
                {
                    counts = ReadCounts(c, new Categories(this, dim, groups, qText!, exitSide));
                    if (counts is null) ok = false;
                }
                var stated = Stated(m, exitSide, counts, table);
                if (ok && stated is false) ok = false;
                var observed = counts is not null ? counts.Where(kv => kv.Key != RecordedCategory.Unknown).Sum(kv => kv.Value)
                    : table?.Where(r => r.Key != RecordedCategory.Unknown).Sum(r => r.Value.Where(kv => kv.Key != RecordedCategory.Unknown).Sum(kv => kv.Value));
                if (ok && observed is <= 0)
                    cx.R.Error(c.Node, c.Path, "recorded counts sum to 0 outside 'Okänt': nothing to compare with");
            }
            else ok = false;
            if (m.Has("value")) cx.R.Error(m.Get("value")!, m.Sub("value"), $"'{qText}' is a distribution: give 'counts', not 'value'");
        }
        else if (q is not null)
        {
            value = m.Number("value", required: true, min: 0);
            if (m.Has("counts")) cx.R.Error(m.Get("counts")!, m.Sub("counts"), $"'{qText}' is a single number: give 'value', not 'counts'");
            foreach (var key in (string[])["n", "rest"])
                if (m.Has(key)) cx.R.Error(m.Get(key)!, m.Sub(key), $"'{key}' belongs to distributions; '{qText}' is a single number");
        }
        if (m.Child("subgroup") is { } sg && q is not null)
        {
            subgroup = ReadSubgroup(sg, q.Value, qText!, groups);
            if (subgroup is null) ok = false;
            else if (counts?.ContainsKey(RecordedCategory.StillEnrolled) == true)
            {
                cx.R.Error(sg.Node, sg.Path, $"'{RecordedCategory.StillEnrolled}' cannot be forecast for a subgroup (the model counts people enrolled, not by start state); leave it out or drop the subgroup");
                ok = false;
            }
        }
        var from0 = m.Month("from") ?? cx.Start;
        var to = m.Month("to") ?? cx.Start.AddMonths(cx.Months - 1);
        if (to < from0) cx.R.Error(m.Node, m.Path, $"period ends ({to}) before it starts ({from0})");
        if (cx.HorizonKnown && (from0 < cx.Start || to > cx.Start.AddMonths(cx.Months - 1)))
            cx.R.Error(m.Node, m.Path, $"the period {from0}…{to} lies outside the horizon {cx.Start}…{cx.Start.AddMonths(cx.Months - 1)}");
        var src = m.Str("source", required: true);
        var note = m.Str("note");
        m.Done();
        if (id is null || q is null || !okI || src is null || !ok || (dim != Dimension.None ? counts is null && table is null : value is null)) return null;
        return new RecordedResult(id, q.Value, insats!, value, counts, from0, to, src, note)
        {
            Table = table, Groups = groups.ToDictionary(g => g.Key, g => g.Value.Members, StringComparer.Ordinal), Subgroup = subgroup,
        };
    }

    private static Dimension DimensionOf(RecordedQuantity q) => q switch
    {
        RecordedQuantity.ExitOccupation or RecordedQuantity.StartOccupation or RecordedQuantity.OccupationTransition => Dimension.Occupation,
        RecordedQuantity.ExitIncome or RecordedQuantity.StartIncome or RecordedQuantity.IncomeTransition => Dimension.Income,
        RecordedQuantity.ExitReason => Dimension.Reason,
        RecordedQuantity.TimeInInsats => Dimension.Band,
        _ => Dimension.None,
    };

    private HashSet<string> Known(Dimension d) => d switch
    {
        Dimension.Occupation => cx.Ids.Occupations,
        Dimension.Income => cx.Ids.IncomeStates,
        Dimension.Reason => new HashSet<string>([RecordedCategory.Planned, RecordedCategory.Dropout], StringComparer.Ordinal),
        Dimension.Band => RecordedCategory.StayBands.Select(b => b.Name).ToHashSet(StringComparer.Ordinal),
        _ => [],
    };

    private static string KindName(Dimension d) => d switch
    {
        Dimension.Occupation => "occupation", Dimension.Income => "income state",
        Dimension.Reason => "reason for ending", _ => "month band",
    };

    private sealed record Group(IReadOnlyList<string> Members, YamlNode Node);

    /// <summary>The scenario's groups and the record's own <c>groups:</c>, which shadow them by name.</summary>
    private Dictionary<string, Group> ReadGroups(MapView m)
    {
        var all = scenarioGroups.ToDictionary(g => g.Key, g => new Group(g.Value, m.Node), StringComparer.Ordinal);
        if (m.Child("groups") is not { } own) return all;
        foreach (var (name, members) in RecordedGroupsReader.Read(cx, own))
            all[name] = new Group(members, own.Get(name)!);
        return all;
    }

    /// <summary>The categories one mapping of counts may use, and the SUS ids each one covers (to refuse overlaps).</summary>
    private sealed class Categories(RecordedReader owner, Dimension dim, Dictionary<string, Group> groups, string quantity, bool stillEnrolled)
    {
        private readonly Dictionary<string, string> _coveredBy = new(StringComparer.Ordinal);

        public bool Accept(string cat, YamlNode node, string path)
        {
            var cx = owner.Cx;
            var known = owner.Known(dim);
            if (cat == RecordedCategory.Unknown) return true;
            if (cat == RecordedCategory.StillEnrolled)
            {
                if (stillEnrolled) return true;
                cx.R.Error(node, path, $"'{RecordedCategory.StillEnrolled}' is not a category of '{quantity}'; it belongs to exit distributions (exit_occupation, exit_income, exit_reason, time_in_insats)");
                return false;
            }
            IReadOnlyList<string> members;
            if (known.Contains(cat)) members = [cat];
            else if (groups.TryGetValue(cat, out var g) && dim is Dimension.Occupation or Dimension.Income)
            {
                if (g.Members.Count == 0) return false; // broken where it was defined, and reported there
                var foreign = g.Members.Where(x => !known.Contains(x)).ToList();
                if (foreign.Count > 0)
                {
                    cx.R.Error(node, path, $"group '{cat}' has members that are not {(dim == Dimension.Occupation ? "occupations" : "income states")}: {string.Join(", ", foreign)}");
                    return false;
                }
                members = g.Members;
            }
            else
            {
                var names = known.Concat(dim is Dimension.Occupation or Dimension.Income ? groups.Keys : []).Append(RecordedCategory.Unknown)
                    .Concat(stillEnrolled ? [RecordedCategory.StillEnrolled] : []).ToHashSet(StringComparer.Ordinal);
                cx.R.Error(node, path, $"unknown {KindName(dim)} '{cat}'{YamlReader.Suggest(cat, names)}{(names.Count <= 12 ? $"; known: {string.Join(", ", names.Order(StringComparer.Ordinal))}" : "")}");
                return false;
            }
            foreach (var x in members)
                if (_coveredBy.TryGetValue(x, out var other))
                {
                    cx.R.Error(node, path, $"'{cat}' overlaps '{other}': {x} is in both; each {KindName(dim)} may be counted in one category only");
                    return false;
                }
            foreach (var x in members) _coveredBy[x] = cat;
            return true;
        }
    }

    private Dictionary<string, double>? ReadCounts(MapView c, Categories categories)
    {
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (k, v) in c.Node.Children)
        {
            var cat = ((YamlScalarNode)k).Value ?? "";
            c.Get(cat);
            if (!categories.Accept(cat, k, c.Sub(cat))) { ok = false; continue; }
            if (cx.R.Number(v, c.Sub(cat), 0) is { } n) counts[cat] = n;
            else ok = false;
        }
        return ok ? counts : null;
    }

    /// <summary>
    /// <c>n</c>, the stated total, and <c>rest</c>, where the people the counts leave out went. Without
    /// <c>rest</c> the counts must add up to <c>n</c>. False when they do not.
    /// </summary>
    private bool? Stated(MapView m, bool exitSide, Dictionary<string, double>? counts, Dictionary<string, IReadOnlyDictionary<string, double>>? table)
    {
        var n = m.Number("n", min: 0);
        var rest = m.Str("rest");
        if (rest is not null && rest != RecordedCategory.Unknown && !(exitSide && rest == RecordedCategory.StillEnrolled))
        {
            cx.R.Error(m.Get("rest")!, m.Sub("rest"), $"'rest' is '{RecordedCategory.Unknown}'{(exitSide ? $" or '{RecordedCategory.StillEnrolled}'" : "")}, not '{rest}'");
            return false;
        }
        if (n is null)
        {
            if (rest is not null) { cx.R.Error(m.Get("rest")!, m.Sub("rest"), "'rest' needs the stated total 'n'"); return false; }
            return null;
        }
        if (table is not null && rest is not null)
        {
            cx.R.Error(m.Get("rest")!, m.Sub("rest"), "a cross-table has no 'rest': write the people not placed as an 'Okänt' row or column");
            return false;
        }
        if (counts is null && table is null) return null;
        var sum = counts?.Values.Sum() ?? table!.Values.Sum(r => r.Values.Sum());
        var nNode = m.Get("n")!;
        if (sum > n + 1e-9)
        {
            cx.R.Error(nNode, m.Sub("n"), $"the counts add up to {YamlReader.Fmt(sum)}, more than the stated n = {YamlReader.Fmt(n.Value)}");
            return false;
        }
        if (sum < n - 1e-9)
        {
            if (rest is null)
            {
                cx.R.Error(nNode, m.Sub("n"), $"the counts add up to {YamlReader.Fmt(sum)}, not the stated n = {YamlReader.Fmt(n.Value)}; say where the other {YamlReader.Fmt(n.Value - sum)} went with 'rest: {RecordedCategory.Unknown}'{(exitSide ? $" or 'rest: {RecordedCategory.StillEnrolled}'" : "")}");
                return false;
            }
            counts![rest] = counts.GetValueOrDefault(rest) + (n.Value - sum);
        }
        return true;
    }

    private RecordedSubgroup? ReadSubgroup(MapView sg, RecordedQuantity q, string qText, Dictionary<string, Group> groups)
    {
        var byOcc = sg.Names("start_occupation");
        var byInc = sg.Names("start_income");
        sg.Done();
        if (byOcc.Count > 0 == byInc.Count > 0)
        {
            cx.R.Error(sg.Node, sg.Path, "a subgroup names exactly one of 'start_occupation' or 'start_income', with at least one state");
            return null;
        }
        var byIncome = byInc.Count > 0;
        var allowed = byIncome
            ? q is RecordedQuantity.ExitIncome or RecordedQuantity.StartIncome or RecordedQuantity.IncomeTransition
            : q is RecordedQuantity.ExitOccupation or RecordedQuantity.StartOccupation or RecordedQuantity.OccupationTransition;
        var key = byIncome ? "start_income" : "start_occupation";
        if (!allowed)
        {
            cx.R.Error(sg.Get(key)!, sg.Sub(key), byIncome
                ? $"a subgroup by start_income restricts exit_income, start_income or income_transition, not '{qText}' (the model does not cross income at start with this quantity)"
                : $"a subgroup by start_occupation restricts exit_occupation, start_occupation or occupation_transition, not '{qText}' (the model does not cross occupation at start with this quantity)");
            return null;
        }
        var known = Known(byIncome ? Dimension.Income : Dimension.Occupation);
        var states = new List<string>();
        var ok = true;
        foreach (var (name, node) in byIncome ? byInc : byOcc)
        {
            if (known.Contains(name)) states.Add(name);
            else if (groups.TryGetValue(name, out var g) && g.Members.All(known.Contains)) { states.AddRange(g.Members); ok &= g.Members.Count > 0; }
            else ok &= cx.Ids.Ref(known, name, node, sg.Sub(key), byIncome ? "income state" : "occupation");
        }
        return ok ? new RecordedSubgroup(byIncome, states.Distinct(StringComparer.Ordinal).ToList()) : null;
    }
}
