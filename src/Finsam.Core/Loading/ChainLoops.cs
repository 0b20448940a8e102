using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>
/// Refuses chains that loop (a → b → a, or longer): a participant could be handed round them for the
/// whole horizon, and what the förbund pays for would depend on the loop, not on the insatser.
/// Reported once per loop, at the chain that closes it.
/// </summary>
internal static class ChainLoops
{
    public static void Check(YamlReader r, YamlNode? insatser)
    {
        if (insatser is not YamlSequenceNode list) return;
        // Edges from the YAML as written (after variants and overlay), with the node of each 'to'.
        var edges = new Dictionary<string, List<(string To, YamlNode Node, string Path)>>(StringComparer.Ordinal);
        foreach (var item in list.Children.OfType<YamlMappingNode>())
        {
            if (Scalar(item, "id") is not { } id || Child(item, "chains") is not YamlSequenceNode chains) continue;
            foreach (var c in chains.Children.OfType<YamlMappingNode>())
                if (Child(c, "to") is YamlScalarNode { Value: { Length: > 0 } to } node && to.Trim() != id)
                    (edges.TryGetValue(id, out var e) ? e : edges[id] = []).Add((to.Trim(), node, $"insatser[{id}].chains[{to.Trim()}].to"));
        }
        // Depth-first, with an explicit stack: a hostile file may chain thousands of insatser in a row.
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the current path, 2 = done
        var path = new List<string>();
        var stack = new Stack<(string Id, int Next)>();
        foreach (var start in edges.Keys.ToList())
        {
            if (state.GetValueOrDefault(start) != 0) continue;
            stack.Push((start, 0));
            state[start] = 1;
            path.Add(start);
            while (stack.Count > 0)
            {
                var (id, next) = stack.Pop();
                var outgoing = edges.TryGetValue(id, out var e) ? e : [];
                if (next == outgoing.Count)
                {
                    state[id] = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }
                stack.Push((id, next + 1));
                var (to, node, field) = outgoing[next];
                if (state.GetValueOrDefault(to) == 1)
                    r.Error(node, field, $"chains form a loop: {string.Join(" → ", path.Skip(path.IndexOf(to)).Append(to))}; a participant could be passed round it forever");
                else if (state.GetValueOrDefault(to) == 0)
                {
                    state[to] = 1;
                    path.Add(to);
                    stack.Push((to, 0));
                }
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlMappingNode m, string key) =>
        Child(m, key) is YamlScalarNode { Value: { Length: > 0 } v } ? v.Trim() : null;
}
