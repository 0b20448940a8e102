using System.Text.RegularExpressions;
using Finsam.Core.Evidence;

namespace Finsam.Core.Tests;

/// <summary>
/// Evidence files: every file shipped in evidence/ loads (so a broken collected file fails CI), and every
/// file of the bad-evidence corpus is refused with the diagnostics its <c># expect: LINE:COLUMN text</c>
/// lines name, at exactly those positions.
/// </summary>
public sealed partial class EvidenceTests
{
    private static string CorpusDir => Path.Combine(AppContext.BaseDirectory, "BadEvidence");

    internal static EvidenceVocabulary Vocabulary { get; } =
        EvidenceVocabulary.FromCatalogText(File.ReadAllText(Repo.Path_("scenarios", "catalog", "sweden-2016.yaml")));

    public static TheoryData<string> BadFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(CorpusDir, "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [GeneratedRegex(@"^#\s*expect:\s*(?<line>\d+):(?<col>\d+)\s+(?<text>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Expect();

    [Fact]
    public void Every_shipped_evidence_file_loads()
    {
        var dir = Repo.Path_("evidence");
        Assert.True(Directory.Exists(dir), "no evidence/ folder");
        var (library, problems) = EvidenceLoader.LoadPath(dir, Vocabulary);
        Assert.True(problems.Count == 0, "evidence problems:\n" + string.Join("\n", problems));
        Assert.NotNull(library);
        Assert.NotEmpty(library.Files);
        foreach (var f in library.Files) Assert.NotEmpty(f.Insatser);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_evidence_is_refused_with_the_expected_diagnostics(string name)
    {
        var text = File.ReadAllText(Path.Combine(CorpusDir, name));
        var expects = Expect().Matches(text);
        Assert.True(expects.Count > 0, $"{name} has no '# expect:' line");
        var diagnostics = EvidenceLoader.Validate(name, text, Vocabulary);
        Assert.NotEmpty(diagnostics);
        var shown = string.Join("\n", diagnostics.Select(d => "  " + d));
        foreach (Match e in expects)
        {
            int line = int.Parse(e.Groups["line"].Value), col = int.Parse(e.Groups["col"].Value);
            var want = e.Groups["text"].Value;
            Assert.True(diagnostics.Any(d => d.Where.Line == line && d.Where.Column == col && $"{d.Path}: {d.Message}".Contains(want, StringComparison.Ordinal)),
                $"{name}: expected at {line}:{col} \"{want}\"; got:\n{shown}");
        }
        Assert.Throws<EvidenceException>(() => EvidenceLoader.Load(name, text, Vocabulary));
    }

    [Fact]
    public void A_valid_file_loads_with_shares_turned_into_counts_and_the_rest_unknown()
    {
        var text = File.ReadAllText(Path.Combine(CorpusDir, "08-counts-do-not-add-up.yaml"))
            .Replace("08-counts-do-not-add-up", "ok", StringComparison.Ordinal)
            .Replace("rest: none", "rest: Kvar i insats", StringComparison.Ordinal)
            .Replace("counts: { arbete-studier: 10, Arbetsökande utan daglig sysselsättning: 8 }", "shares: { arbete-studier: 52%, Arbetsökande utan daglig sysselsättning: 0.1 }", StringComparison.Ordinal);
        var file = EvidenceLoader.Load("ok.yaml", text, Vocabulary);
        var rec = Assert.Single(Assert.Single(file.Insatser).Records);
        Assert.Equal(16, rec.Cells.Single(c => c.Category.Name == "arbete-studier").Count);   // round(0.52 × 30)
        Assert.Equal(3, rec.Cells.Single(c => c.Category.Name.StartsWith("Arbetsökande", StringComparison.Ordinal)).Count);
        Assert.Equal(11, rec.Rest);
        Assert.Equal("Kvar i insats", rec.RestCategory);
        Assert.Equal(["Förvärvsarbetande", "Studerande"], rec.Cells[0].Category.Members.Order(StringComparer.Ordinal));
    }
}
