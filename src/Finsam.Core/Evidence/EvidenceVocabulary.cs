using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Evidence;

/// <summary>
/// The words an evidence file may use (docs/evidence-format.md): document kinds, insats kinds,
/// target-group tags, measures, populations, and the SUS categories of the catalog.
/// </summary>
public sealed class EvidenceVocabulary(IReadOnlyList<string> occupations, IReadOnlyList<string> incomes)
{
    public const string Unknown = "Okänt";
    public const string StillEnrolled = "Kvar i insats";
    /// <summary>A record's <c>rest</c> that went to categories the record does not name ("52 % to work or studies": the other 48 % did not).</summary>
    public const string Elsewhere = "elsewhere";
    public const string ExitOccupation = "exit_occupation";
    public const string ExitIncome = "exit_income";
    public const string StartOccupation = "start_occupation";
    public const string StartIncome = "start_income";
    public const string OccupationTransition = "occupation_transition";
    public const string IncomeTransition = "income_transition";
    public const string ExitReason = "exit_reason";
    public const string TimeInInsats = "time_in_insats";

    /// <summary>The catalog whose SUS ids evidence files use, relative to the repository root.</summary>
    public const string CatalogPath = "scenarios/catalog/sweden-2016.yaml";

    public static readonly string[] DocumentKinds =
        ["socioeconomic_evaluation", "evaluation", "result_report", "sus_summary", "self_evaluation", "overview"];

    public static readonly string[] InsatsKinds =
        ["forrehabilitering", "arbetstraning", "koordinering-vardcentral", "unga-vagledning", "kartlaggning",
         "supported-employment", "samverkansteam", "sprak-etablering"];

    public static readonly string[] TargetGroupTags =
        ["unga", "sjukskrivna", "aktivitetsersattning", "sjukersattning", "ekonomiskt-bistand", "arbetssokande",
         "langtidsarbetslosa", "psykisk-ohalsa", "funktionsnedsattning", "npf", "missbruk", "utrikes-fodda", "kvinnor",
         "man", "langvarigt-beroende", "flera-myndigheter"];

    public static readonly string[] Measures =
        [ExitOccupation, ExitIncome, StartOccupation, StartIncome, OccupationTransition, IncomeTransition, ExitReason, TimeInInsats];

    public static readonly string[] Populations = ["ended", "started", "all", "followed_up"];

    public static readonly string[] ExitReasons = ["planned", "dropout", "moved", "other"];

    /// <summary>Month bands of <c>time_in_insats</c> and the mid-point used for a mean stay (the open band counts as 30).</summary>
    public static readonly IReadOnlyDictionary<string, double> TimeBands = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["0-3"] = 2, ["4-6"] = 5, ["7-12"] = 9.5, ["13-24"] = 18.5, ["25-"] = 30,
    };

    public IReadOnlyList<string> Occupations { get; } = occupations;
    public IReadOnlyList<string> Incomes { get; } = incomes;

    public bool IsOccupation(string id) => Occupations.Contains(id, StringComparer.Ordinal);
    public bool IsIncome(string id) => Incomes.Contains(id, StringComparer.Ordinal);

    /// <summary>Which SUS dimension a measure's categories belong to: "occupation", "income", or null (its own fixed words).</summary>
    public static string? Dimension(string measure) => measure switch
    {
        ExitOccupation or StartOccupation or OccupationTransition => "occupation",
        ExitIncome or StartIncome or IncomeTransition => "income",
        _ => null,
    };

    /// <summary>Reads the ids of income states and occupations from a catalog file's text.</summary>
    public static EvidenceVocabulary FromCatalogText(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        IReadOnlyList<string> Ids(string key) =>
            root.Children.TryGetValue(new YamlScalarNode(key), out var list) && list is YamlSequenceNode seq
                ? seq.Children.OfType<YamlMappingNode>()
                    .Select(m => m.Children.TryGetValue(new YamlScalarNode("id"), out var id) ? (id as YamlScalarNode)?.Value : null)
                    .OfType<string>().ToList()
                : [];
        return new EvidenceVocabulary(Ids("occupations"), Ids("income_states"));
    }

    /// <summary>The catalog found by walking up from <paramref name="start"/> to a folder holding <see cref="CatalogPath"/>.</summary>
    public static EvidenceVocabulary? FindFrom(string start)
    {
        var dir = Path.GetFullPath(start);
        if (File.Exists(dir)) dir = Path.GetDirectoryName(dir)!;
        for (var d = dir; d is not null; d = Path.GetDirectoryName(d))
        {
            var candidate = Path.Combine(d, CatalogPath);
            if (File.Exists(candidate)) return FromCatalogText(File.ReadAllText(candidate));
        }
        return null;
    }
}
