using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Finsam.Core.Loading;

/// <summary>
/// Checks a YAML text against the <see cref="WorkBudget"/> before it is loaded into a tree: size,
/// nesting depth, value length and the number of nodes once aliases are expanded. One streaming
/// pass over the parser's events, linear in the text, that stops at the first exceeded limit —
/// so an alias bomb or 5 000 nested brackets cost milliseconds, not minutes or a stack overflow.
/// </summary>
internal static class YamlLimits
{
    /// <summary>True when the text is within every limit; otherwise one diagnostic is added (when a bag is given).</summary>
    public static bool Check(string file, string text, DiagnosticBag? bag)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(text) > WorkBudget.MaxFileBytes)
        {
            bag?.Add(new SourcePos(file, 1, 1), "", $"the file is larger than {WorkBudget.MaxFileBytes / 1024} KiB; a scenario, catalog or overlay may be at most {WorkBudget.MaxFileBytes / 1024} KiB");
            return false;
        }
        var problem = Scan(text);
        if (problem is null) return true;
        bag?.Add(new SourcePos(file, problem.Value.Line, problem.Value.Column), "", problem.Value.Message);
        return false;
    }

    private readonly record struct Problem(int Line, int Column, string Message);

    private sealed class Open(string? anchor, long nodesAtStart, int depth)
    {
        public string? Anchor { get; } = anchor;
        public long NodesAtStart { get; } = nodesAtStart;
        public int Depth { get; } = depth;
        public int DeepestBelow { get; set; }
    }

    private static Problem? Scan(string text)
    {
        // What each anchor expands to: its node count and how deep it reaches below itself.
        var anchors = new Dictionary<string, (long Nodes, int Depth)>(StringComparer.Ordinal);
        var open = new Stack<Open>();
        long nodes = 0;
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                switch (e)
                {
                    case Scalar s:
                        nodes++;
                        if (s.Value.Length > WorkBudget.MaxTextLength)
                            return At(s.Start, $"a value of {s.Value.Length.ToString("N0", CultureInfo.InvariantCulture)} characters; at most {WorkBudget.MaxTextLength.ToString("N0", CultureInfo.InvariantCulture)} are allowed");
                        if (!s.Anchor.IsEmpty) anchors[s.Anchor.Value] = (1, 0);
                        break;
                    case AnchorAlias a:
                        var (size, depth) = anchors.TryGetValue(a.Value.Value, out var known) ? known : (1, 0);
                        nodes += size;
                        if (open.Count + depth > WorkBudget.MaxNestingDepth)
                            return At(a.Start, $"this alias nests lists and mappings more than {WorkBudget.MaxNestingDepth} levels deep; at most {WorkBudget.MaxNestingDepth} are allowed");
                        Deepen(open, depth);
                        break;
                    case MappingStart or SequenceStart:
                        nodes++;
                        var anchor = ((NodeEvent)e).Anchor;
                        if (open.Count + 1 > WorkBudget.MaxNestingDepth)
                            return At(e.Start, $"lists and mappings nested more than {WorkBudget.MaxNestingDepth} levels deep; at most {WorkBudget.MaxNestingDepth} are allowed");
                        open.Push(new Open(anchor.IsEmpty ? null : anchor.Value, nodes, open.Count + 1));
                        break;
                    case MappingEnd or SequenceEnd:
                        var done = open.Pop();
                        if (done.Anchor is not null) anchors[done.Anchor] = (nodes - done.NodesAtStart + 1, done.DeepestBelow + 1);
                        Deepen(open, done.DeepestBelow + 1);
                        break;
                }
                if (nodes > WorkBudget.MaxYamlNodes)
                    return At(e.Start, $"the file expands to more than {WorkBudget.MaxYamlNodes.ToString("N0", CultureInfo.InvariantCulture)} YAML nodes{(e is AnchorAlias ? " through its aliases ('*name')" : "")}; at most {WorkBudget.MaxYamlNodes.ToString("N0", CultureInfo.InvariantCulture)} are allowed");
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // A syntax error: the loader reports it with its position.
        }
        return null;
    }

    private static void Deepen(Stack<Open> open, int below)
    {
        if (open.TryPeek(out var parent)) parent.DeepestBelow = Math.Max(parent.DeepestBelow, below);
    }

    private static Problem At(Mark m, string message) => new((int)m.Line, (int)m.Column, message);
}
