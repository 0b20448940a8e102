using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>
/// <c>groups:</c> (at the top level, or inside one recorded result): a report's own categories as sets
/// of SUS ids, e.g. <c>arbete-studier: [Förvärvsarbetande, Studerande]</c>. A group holds occupations
/// or income states, not both, so the forecast can be summed into it.
/// </summary>
internal static class RecordedGroupsReader
{
    public static Dictionary<string, IReadOnlyList<string>> Read(ReadingContext cx, MapView m)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var known = cx.Ids.Occupations.Concat(cx.Ids.IncomeStates).ToHashSet(StringComparer.Ordinal);
        foreach (var (k, _) in m.Node.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            var path = m.Sub(name);
            var members = m.Names(name);
            if (known.Contains(name) || name is RecordedCategory.Unknown or RecordedCategory.StillEnrolled)
            {
                cx.R.Error(k, path, $"a group cannot be named '{name}': that is already a category");
                continue;
            }
            if (members.Count == 0)
            {
                cx.R.Error(k, path, $"group '{name}' has no members: list the SUS ids it covers");
                continue;
            }
            var ok = true;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (member, node) in members)
            {
                if (!cx.Ids.Ref(known, member, node, path, "SUS category (occupation or income state)")) { ok = false; continue; }
                if (!seen.Add(member)) { cx.R.Error(node, path, $"'{member}' is listed twice in group '{name}'"); ok = false; }
            }
            // A broken group is kept empty, so its uses are not reported again.
            if (!ok) { result[name] = []; continue; }
            var ids = members.Select(x => x.Value).ToList();
            if (!ids.All(cx.Ids.Occupations.Contains) && !ids.All(cx.Ids.IncomeStates.Contains))
            {
                cx.R.Error(k, path, $"group '{name}' mixes occupations and income states; a group holds one or the other");
                result[name] = [];
                continue;
            }
            result[name] = ids;
        }
        m.Done();
        return result;
    }
}
