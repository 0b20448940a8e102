using Finsam.Core.Loading;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Priors;

/// <summary>The priors of one insats kind as a scenario uses them (docs/scenario-format.md §9, "Priors").</summary>
public sealed record KindPrior(
    string Kind, int Insatser, IReadOnlyDictionary<string, double[]> ByStart,
    double DropoutA, double DropoutB, bool DropoutUnknown, LogNormalPrior Stay, LogNormalPrior Caseload)
{
    public double DropoutMean => DropoutA / (DropoutA + DropoutB);
}

/// <summary>A priors file written by <c>finsam learn</c>, read for a scenario's <c>priors:</c> key.</summary>
public sealed record PriorsFile(string FileName, IReadOnlyDictionary<string, KindPrior> Kinds)
{
    /// <summary>The prior of a kind, or of all kinds pooled (<c>default</c>) when the kind is not given or not in the file.</summary>
    public KindPrior For(string? kind) =>
        kind is not null && Kinds.TryGetValue(kind, out var k) ? k : Kinds[PriorsWriter.DefaultKind];

    /// <summary>Reads a priors file's text; problems go to <paramref name="bag"/> with file, line and column.</summary>
    internal static PriorsFile? Read(string fileName, string text, DiagnosticBag bag)
    {
        var r = new YamlReader(fileName, bag);
        if (!ScenarioYamlParser.Guard(r, text, "a priors file")) return null;
        YamlMappingNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            bag.Add(new SourcePos(fileName, 1, 1), "", "YAML syntax error: the priors file cannot be read; write it again with 'finsam learn'");
            return null;
        }
        if (root is null) { bag.Add(new SourcePos(fileName, 1, 1), "", "expected a priors file written by 'finsam learn'"); return null; }
        var top = new MapView(r, root, "");
        if (top.Int("finsam_priors", required: true) is { } v && v != 1)
            r.Error(top.Get("finsam_priors")!, "finsam_priors", $"unsupported priors version {v}; this Finsam reads version 1");
        var kinds = new Dictionary<string, KindPrior>(StringComparer.Ordinal);
        var kindsMap = top.Child("kinds", required: true);
        if (kindsMap is null) return null;
        foreach (var (k, _) in kindsMap.Node.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            var m = kindsMap.Child(name);
            if (m is null) continue;
            var prior = Kind(name, m, r);
            if (prior is not null) kinds[name] = prior;
        }
        if (!kinds.ContainsKey(PriorsWriter.DefaultKind))
            r.Error(kindsMap.Node, "kinds", $"the priors have no '{PriorsWriter.DefaultKind}' kind (all kinds pooled); write them again with 'finsam learn'");
        return bag.HasErrors ? null : new PriorsFile(fileName, kinds);
    }

    private static KindPrior? Kind(string name, MapView m, YamlReader r)
    {
        var insatser = m.Child("evidence")?.Int("insatser") ?? 0;
        var byStart = new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (m.Child("exits", required: true)?.Child("by_start", required: true) is { } bs)
            foreach (var (k, _) in bs.Node.Children)
            {
                var start = ((YamlScalarNode)k).Value ?? "";
                var d = bs.Child(start)?.Child("dirichlet", required: true);
                if (d is null) continue;
                byStart[start] = OutcomeClasses.All.Select(c => d.Number(c, required: true, min: 0) ?? 0).ToArray();
            }
        var dropout = m.Child("dropout_monthly", required: true);
        var beta = dropout?.Get("beta") as YamlSequenceNode;
        double a = 1, b = 1;
        if (beta is { Children.Count: 2 } && YamlReader.TryNumber(beta.Children[0], out a) && YamlReader.TryNumber(beta.Children[1], out b) && a > 0 && b > 0) { }
        else if (dropout is not null) r.Error(dropout.Node, dropout.Path, "expected beta: [a, b] with a, b > 0");
        var unknown = dropout?.Bool("unknown") ?? false;
        return new KindPrior(name, insatser, byStart, a, b, unknown, LogNormal(m.Child("stay_months", required: true)), LogNormal(m.Child("participants_per_fte", required: true)));
    }

    private static LogNormalPrior LogNormal(MapView? m) =>
        m is null ? new LogNormalPrior(1, 1, 0, true)
            : new LogNormalPrior(m.Number("median", required: true, min: 1e-9) ?? 1, m.Number("log_sd", required: true, min: 0) ?? 1, m.Int("insatser") ?? 0, m.Bool("unknown") ?? false);
}
