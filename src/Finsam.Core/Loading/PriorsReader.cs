using System.Globalization;
using Finsam.Core.Evidence;
using Finsam.Core.Priors;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Loading;

/// <summary>
/// The top-level <c>priors: FILE</c> of a scenario and what it fills in (docs/scenario-format.md §9, "Priors"):
/// exits as an exit model by occupation at admission, dropout, caseload and realised stay by the insats's
/// <c>insats_kind</c>. What the scenario states always wins.
/// </summary>
internal sealed class PriorsReader(ReadingContext cx)
{
    private readonly Dictionary<string, ExitModel> _models = new(StringComparer.Ordinal);

    public PriorsFile? File { get; private set; }

    /// <summary>Exit models made from the priors for the kinds the insatser use; added to the scenario's exit models.</summary>
    public IReadOnlyList<ExitModel> Models => _models.Values.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();

    /// <summary>What the priors filled in, one line per value, for the run to say.</summary>
    public List<string> Notes { get; } = [];

    public void Load(MapView top)
    {
        var path = top.Str("priors");
        if (path is null) return;
        if (!cx.Source.Includes.TryGetValue(path, out var text))
        {
            cx.R.Error(top.Get("priors")!, "priors", $"priors file '{path}' not found (paths are relative to the scenario file; write one with 'finsam learn evidence/ --out FILE')");
            return;
        }
        var dir = Path.GetDirectoryName(cx.Source.FileName);
        File = PriorsFile.Read(string.IsNullOrEmpty(dir) ? path : Path.Combine(dir, path), text, cx.Bag);
    }

    /// <summary>The <c>insats_kind</c> of an insats, checked against the evidence vocabulary.</summary>
    public string? Kind(MapView m)
    {
        var kind = m.Str("insats_kind");
        if (kind is null || EvidenceVocabulary.InsatsKinds.Contains(kind, StringComparer.Ordinal)) return kind;
        cx.R.Error(m.Get("insats_kind")!, m.Sub("insats_kind"),
            $"unknown insats_kind '{kind}'{YamlReader.Suggest(kind, EvidenceVocabulary.InsatsKinds)}; expected one of: {string.Join(", ", EvidenceVocabulary.InsatsKinds)}");
        return null;
    }

    /// <summary>
    /// The exit model of a kind over the scenario's occupations: for someone admitted in occupation o of class s,
    /// the prior's row for s, with the class's own mass kept on o and every other class's on its usual
    /// occupation (docs/validation.md §4.1). Occupations of no class (Svar saknas) use the unknown row.
    /// </summary>
    public string ExitModelFor(string? kind, string insatsId, IReadOnlyList<Occupation> occupations)
    {
        var prior = File!.For(kind);
        var id = $"priors-{prior.Kind}";
        if (_models.ContainsKey(id)) return id;
        var ids = occupations.Select(o => o.Id).ToList();
        string? Target(int cls)
        {
            var name = OutcomeClasses.All[cls];
            if (ids.Contains(OutcomeClasses.Representative[name])) return OutcomeClasses.Representative[name];
            return ids.FirstOrDefault(o => OutcomeClasses.Occupations.TryGetValue(o, out var c) && c == name);
        }
        Mix Row(string key, double[] weights, string? keepOn, int? keepClass)
        {
            var cats = new List<string>();
            var w = new List<double>();
            for (var c = 0; c < weights.Length; c++)
            {
                var to = c == keepClass && keepOn is not null ? keepOn : Target(c);
                if (to is null) continue;
                var at = cats.IndexOf(to);
                if (at >= 0) w[at] += weights[c];
                else { cats.Add(to); w.Add(weights[c]); }
            }
            return new Mix(key, cats, w, IsDirichlet: true);
        }
        var rows = new List<ExitRow>();
        foreach (var o in ids)
        {
            if (!OutcomeClasses.Occupations.TryGetValue(o, out var cls) || !prior.ByStart.TryGetValue(cls, out var weights)) continue;
            rows.Add(new ExitRow(o, Row($"exit_models[{id}].rows.{o}", weights, o, Array.IndexOf(OutcomeClasses.All, cls))));
        }
        var unknown = prior.ByStart.TryGetValue("unknown", out var u) ? u : OutcomeClasses.All.Select(_ => 1.0).ToArray();
        _models[id] = new ExitModel(id, rows, Row($"exit_models[{id}].rows.default", unknown, null, null));
        Notes.Add($"insatser[{insatsId}].exits: from the priors of kind '{prior.Kind}' ({prior.Insatser} insatser in the evidence), exit model '{id}'");
        return id;
    }

    public Param Dropout(string? kind, string path)
    {
        var p = File!.For(kind);
        Notes.Add($"{path}: from the priors of kind '{p.Kind}', monthly Beta({F(p.DropoutA)}, {F(p.DropoutB)}), mean {F(p.DropoutMean * 100)} %{(p.DropoutUnknown ? " (unknown: a wide range, too little evidence)" : "")}");
        return new Param(path, new BetaValue(p.DropoutA, p.DropoutB));
    }

    public Param Caseload(string? kind, string path)
    {
        var p = File!.For(kind).Caseload;
        var (lo, mode, hi) = (p.Quantile(0.05), p.Median, p.Quantile(0.95));
        Notes.Add($"{path}: from the priors of kind '{File.For(kind).Kind}', participants per FTE {F(lo)}–{F(hi)} (median {F(mode)}){(p.Unknown ? " (unknown: a wide range, too little evidence)" : "")}");
        return new Param(path, new TriangularValue(lo, mode, hi));
    }

    /// <summary>The realised mean stay of a kind as a triangular (P5, median, P95), at least one month.</summary>
    public Param RealisedStay(string? kind, string path)
    {
        var p = File!.For(kind).Stay;
        Notes.Add($"{path}: realised mean stay from the priors of kind '{File.For(kind).Kind}', {F(p.Quantile(0.05))}–{F(p.Quantile(0.95))} months{(p.Unknown ? " (unknown: a wide range, too little evidence)" : "")}");
        return new Param(path, new TriangularValue(Math.Max(1, p.Quantile(0.05)), Math.Max(1, p.Median), Math.Max(1.01, p.Quantile(0.95))));
    }

    /// <summary>
    /// The geometric duration whose realised mean stay is T when people also drop out with monthly probability h:
    /// each month someone leaves with probability 1 − (1 − 1/μ)(1 − h), so the realised mean is T when
    /// 1/μ = 1 − (1 − 1/T)/(1 − h). Null (and an error) when dropout alone makes stays shorter than T (h ≥ 1/T).
    /// </summary>
    public DurationSpec? Intended(Param realised, Param? dropout, string path, Func<string, bool> error)
    {
        var h = dropout?.Mean ?? 0;
        double Mu(double t) => 1 / (1 - (1 - 1 / t) / (1 - h));
        var d = realised.Dist;
        if (h >= 1 / d.Upper)
        {
            error($"a realised mean stay of up to {F(d.Upper)} months cannot be met: with a mean monthly dropout of {F(h)} stays average at most {F(1 / h)} months");
            return null;
        }
        Distribution intended = d switch
        {
            FixedValue f => new FixedValue(Mu(f.Value)),
            TriangularValue t => new TriangularValue(Mu(t.Low), Mu(t.Mode), Mu(t.High)),
            UniformValue u => new UniformValue(Mu(u.Low), Mu(u.High)),
            _ => new TriangularValue(Mu(d.Lower), Mu(d.Mean), Mu(d.Upper)),
        };
        Notes.Add($"{path}: realised mean stay {F(d.Mean)} months met with a geometric intended stay of mean {F(intended.Mean)} months before a monthly dropout of {F(h)}");
        return new DurationSpec(DurationKind.Geometric, new Param(path + ".mean", intended), null, 1, 1);
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
