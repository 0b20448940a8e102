using Finsam.Core.Scenarios;

namespace Finsam.Core.Loading;

/// <summary>What a catalog file provides: payers, income states and occupations shared by several scenarios.</summary>
internal sealed record CatalogContent(
    IReadOnlyList<Payer> Payers, IReadOnlyList<IncomeState> IncomeStates, IReadOnlyList<Occupation> Occupations)
{
    public static readonly CatalogContent Empty = new([], [], []);
    public IEnumerable<string> PayerIds => Payers.Select(p => p.Id);
    public IEnumerable<string> IncomeIds => IncomeStates.Select(p => p.Id);
    public IEnumerable<string> OccupationIds => Occupations.Select(p => p.Id);
}

/// <summary>
/// The <c>catalog:</c> include and the payers, income states and occupations it lists; the same
/// entries may also be listed in the scenario itself, where they replace the catalog's by id.
/// </summary>
internal sealed class CatalogReader(ReadingContext cx)
{
    public CatalogContent Load(MapView top)
    {
        var path = top.Str("catalog");
        if (path is null) return CatalogContent.Empty;
        var node = top.Get("catalog")!;
        if (!cx.Source.Includes.TryGetValue(path, out var text))
        {
            cx.R.Error(node, "catalog", $"catalog file '{path}' not found (paths are relative to the scenario file)");
            return CatalogContent.Empty;
        }
        var r = new YamlReader(NormaliseName(cx.Source.FileName, path), cx.Bag);
        var root = ScenarioYamlParser.Parse(r, text);
        if (root is null) return CatalogContent.Empty;
        var cat = new MapView(r, root, "");
        var version = cat.Int("finsam_catalog", required: true);
        if (version is not null and not 1) r.Error(cat.Get("finsam_catalog")!, "finsam_catalog", "unsupported catalog version; expected 1");
        cat.Str("name");
        cat.Str("source");
        // Catalog ids must be known before its entries cross-reference each other.
        var localCx = new ReadingContext(cx.Source with { FileName = r.File }, cx.Bag, new YamlReader(r.File, cx.Bag));
        var ids = localCx.Ids;
        ids.Collect(cat.Get("payers"), "payers", id => ids.Payers.Add(id));
        ids.Collect(cat.Get("income_states"), "income_states", id => ids.IncomeStates.Add(id));
        ids.Collect(cat.Get("occupations"), "occupations", id => ids.Occupations.Add(id));
        foreach (var id in ids.Payers) cx.Ids.Payers.Add(id);
        foreach (var id in ids.IncomeStates) cx.Ids.IncomeStates.Add(id);
        foreach (var id in ids.Occupations) cx.Ids.Occupations.Add(id);
        var local = new CatalogReader(localCx);
        var content = new CatalogContent(
            cat.List("payers").Select(local.ReadPayer).OfType<Payer>().ToList(),
            cat.List("income_states").Select(m => local.ReadIncomeState(m)).OfType<IncomeState>().ToList(),
            cat.List("occupations").Select(m => local.ReadOccupation(m)).OfType<Occupation>().ToList());
        cat.Done();
        return content;
    }

    private static string NormaliseName(string scenarioFile, string include)
    {
        var dir = Path.GetDirectoryName(scenarioFile);
        return string.IsNullOrEmpty(dir) ? include : Path.GetRelativePath(".", Path.Combine(dir, include));
    }

    public Payer? ReadPayer(MapView m)
    {
        var id = m.Str("id", required: true);
        var name = m.Str("name") ?? id;
        var party = m.Str("party");
        m.Str("source");
        var kind = cx.Word(m, "party", Keyword.PartyKinds);
        m.Done();
        return id is null ? null : new Payer(id, name!, kind);
    }

    public IncomeState? ReadIncomeState(MapView m)
    {
        var id = m.Str("id", required: true);
        var payer = m.Str("payer", required: true);
        cx.Ids.Ref(cx.Ids.Payers, payer, m.Get("payer"), m.Sub("payer"), "payer");
        var cost = m.Param("monthly_cost", required: true, min: 0, max: WorkBudget.MaxAmount);
        var self = m.Bool("self_sufficient") ?? false;
        var occ = m.Str("occupation");
        if (occ is not null) cx.Ids.Ref(cx.Ids.Occupations, occ, m.Get("occupation"), m.Sub("occupation"), "occupation");
        var src = m.Str("source");
        m.Str("name");
        m.Str("note");
        m.Done();
        return id is null || payer is null || cost is null ? null : new IncomeState(id, payer, cost, self, occ, src);
    }

    public Occupation? ReadOccupation(MapView m)
    {
        var id = m.Str("id", required: true);
        var income = m.Str("income");
        if (income is not null) cx.Ids.Ref(cx.Ids.IncomeStates, income, m.Get("income"), m.Sub("income"), "income state");
        var outcome = cx.Word(m, "outcome", Keyword.Outcomes);
        var src = m.Str("source");
        m.Str("name");
        m.Str("note");
        m.Done();
        return id is null ? null : new Occupation(id, income, outcome ?? Outcome.None, src);
    }

    /// <summary>The catalog's entries with the scenario's own added, or replacing those with the same id.</summary>
    public static List<T> Merge<T>(IReadOnlyList<T> catalog, IEnumerable<T?> local) where T : class
    {
        var result = new List<T>(catalog);
        foreach (var item in local.OfType<T>())
        {
            var id = IdOf(item);
            var at = result.FindIndex(x => IdOf(x) == id);
            if (at >= 0) result[at] = item; else result.Add(item);
        }
        return result;
    }

    private static string IdOf(object o) => o switch
    {
        Payer p => p.Id,
        IncomeState s => s.Id,
        Occupation o2 => o2.Id,
        _ => throw new ArgumentException("no id"),
    };
}
