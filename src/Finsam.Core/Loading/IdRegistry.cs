using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>
/// The ids a file declares, per kind, collected before anything is read so every reference can be
/// checked in one go: duplicates are reported here, and an unknown reference with a suggestion.
/// </summary>
internal sealed class IdRegistry(YamlReader r)
{
    private readonly Dictionary<string, InsatsKind?> _insatser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _fteInsatser = new(StringComparer.Ordinal);

    public HashSet<string> Parties { get; } = new(StringComparer.Ordinal);
    public HashSet<string> BudgetLines { get; } = new(StringComparer.Ordinal);
    public HashSet<string> TargetGroups { get; } = new(StringComparer.Ordinal);
    public HashSet<string> IncomeStates { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Occupations { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Payers { get; } = new(StringComparer.Ordinal);
    public HashSet<string> AgeBands { get; } = new(StringComparer.Ordinal);
    public HashSet<string> ExitModels { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the insats gives its capacity as fte and caseload (so staff can be lent to it).</summary>
    public bool GivesFte(string insats) => _fteInsatser.GetValueOrDefault(insats);

    /// <summary>First pass over a scenario: every id that can be referred to, the catalog's first.</summary>
    public void CollectScenario(MapView top, CatalogContent catalog)
    {
        Collect(top.Get("parties"), "parties", id => Parties.Add(id));
        Collect(top.Get("insatser"), "insatser", id => { });
        foreach (var (id, node) in IdNodes(top.Get("insatser")))
        {
            var map = node as YamlMappingNode;
            var kind = map?.Children.TryGetValue(new YamlScalarNode("kind"), out var k) == true ? (k as YamlScalarNode)?.Value : null;
            _insatser[id] = Keyword.InsatsKinds.Parse(kind);
            _fteInsatser[id] = map?.Children.TryGetValue(new YamlScalarNode("capacity"), out var c) == true
                && c is YamlMappingNode cm && cm.Children.ContainsKey(new YamlScalarNode("fte"));
        }
        Collect(top.Get("target_groups"), "target_groups", id => TargetGroups.Add(id));
        Collect(top.Get("exit_models"), "exit_models", id => ExitModels.Add(id));
        var budgetNode = top.Get("budget") as YamlMappingNode;
        if (budgetNode is not null && budgetNode.Children.TryGetValue(new YamlScalarNode("lines"), out var linesNode))
            Collect(linesNode, "budget.lines", id => BudgetLines.Add(id));
        foreach (var id in catalog.PayerIds) Payers.Add(id);
        foreach (var id in catalog.IncomeIds) IncomeStates.Add(id);
        foreach (var id in catalog.OccupationIds) Occupations.Add(id);
        Collect(top.Get("payers"), "payers", id => Payers.Add(id));
        Collect(top.Get("income_states"), "income_states", id => IncomeStates.Add(id));
        Collect(top.Get("occupations"), "occupations", id => Occupations.Add(id));
        foreach (var g in top.Get("target_groups") is YamlSequenceNode gs ? gs.Children.OfType<YamlMappingNode>() : [])
            if (g.Children.TryGetValue(new YamlScalarNode("age"), out var age) && age is YamlMappingNode am)
                foreach (var key in FlattenMixKeys(am)) AgeBands.Add(key);
    }

    public static IEnumerable<(string Id, YamlNode Node)> IdNodes(YamlNode? list)
    {
        if (list is not YamlSequenceNode seq) yield break;
        foreach (var item in seq.Children)
            if (item is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("id"), out var id) && id is YamlScalarNode { Value: { Length: > 0 } s })
                yield return (s.Trim(), item);
    }

    /// <summary>Passes each id of a list to <paramref name="add"/>, reporting a repeated one.</summary>
    public void Collect(YamlNode? list, string path, Action<string> add)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, node) in IdNodes(list))
        {
            if (!seen.Add(id))
                r.Error(node, $"{path}[{id}]", $"duplicate id '{id}' in {path}");
            add(id);
        }
    }

    public void CheckDuplicates(YamlNode? list, string path) => Collect(list, path, _ => { });

    private static IEnumerable<string> FlattenMixKeys(YamlMappingNode m)
    {
        if (m.Children.Count == 1 && m.Children.First().Key is YamlScalarNode { Value: "dirichlet" or "counts" } && m.Children.First().Value is YamlMappingNode inner)
            m = inner;
        return m.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "");
    }

    /// <summary>Checks a reference against the known ids of one kind; an unknown one is reported with a suggestion.</summary>
    public bool Ref(HashSet<string> known, string? id, YamlNode? node, string path, string kind)
    {
        if (id is null || node is null) return false;
        if (known.Contains(id)) return true;
        r.Error(node, path, $"unknown {kind} '{id}'{YamlReader.Suggest(id, known)}{(known.Count is > 0 and <= 12 ? $"; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}" : "")}");
        return false;
    }

    public bool RefInsats(string? id, YamlNode? node, string path, bool mustBeIndividual = true)
    {
        if (!Ref(_insatser.Keys.ToHashSet(StringComparer.Ordinal), id, node, path, "insats")) return false;
        if (mustBeIndividual && _insatser[id!] == InsatsKind.Structural)
        {
            r.Error(node!, path, $"'{id}' is a structural insats; only individual insatser take participants");
            return false;
        }
        return true;
    }
}
