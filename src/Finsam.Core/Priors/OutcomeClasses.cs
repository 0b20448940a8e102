using Finsam.Core.Evidence;

namespace Finsam.Core.Priors;

/// <summary>
/// The small set of outcome classes every source can be mapped to (docs/validation.md §4.1). Sources group
/// SUS categories in their own ways; five classes are what nearly all of them let one tell apart. Unknown,
/// no answer and still enrolled are not a class: they are left out as missing.
/// </summary>
public static class OutcomeClasses
{
    public const string Arbete = "arbete";
    public const string Studier = "studier";
    public const string Arbetssokande = "arbetssokande";
    public const string SjukRehab = "sjuk-rehab";
    public const string Ovrigt = "ovrigt";

    public static readonly string[] All = [Arbete, Studier, Arbetssokande, SjukRehab, Ovrigt];
    public static int Count => All.Length;

    /// <summary>SUS occupations (sysselsättning) by class.</summary>
    public static readonly IReadOnlyDictionary<string, string> Occupations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Förvärvsarbetande"] = Arbete, ["OSA"] = Arbete, ["Trygghetsanställning"] = Arbete, ["Lönebidragsanställning"] = Arbete,
        ["Studerande"] = Studier,
        ["Arbetsökande i åtgärd"] = Arbetssokande, ["Arbetsökande utan daglig sysselsättning"] = Arbetssokande,
        ["Sjuk men i rehabilitering"] = SjukRehab, ["Sjuk utan daglig sysselsättning"] = SjukRehab,
        ["Praktik"] = Ovrigt, ["Arbetsprövning"] = Ovrigt, ["Verksam el annat projekt"] = Ovrigt, ["Hemarbete"] = Ovrigt,
        ["Pensionär"] = Ovrigt, ["Annat"] = Ovrigt,
    };

    /// <summary>The occupation a class stands for in a scenario (where a class's exits land when no start occupation is kept).</summary>
    public static readonly IReadOnlyDictionary<string, string> Representative = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Arbete] = "Förvärvsarbetande", [Studier] = "Studerande", [Arbetssokande] = "Arbetsökande utan daglig sysselsättning",
        [SjukRehab] = "Sjuk men i rehabilitering", [Ovrigt] = "Annat",
    };

    /// <summary>
    /// SUS income states (försörjning) by class. Ekonomiskt bistånd and no benefit say nothing about what the
    /// person does: they stand for any of job-seeking, sick or other, and enter the fit as a grouped category.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string[]> Incomes = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Förvärvsarbete"] = [Arbete], ["Subventionerad anställning"] = [Arbete], ["CSN"] = [Studier],
        ["A-kassa"] = [Arbetssokande], ["Aktivitetsstöd"] = [Arbetssokande], ["Utbildningsstöd"] = [Arbetssokande],
        ["Etableringsersättning"] = [Arbetssokande],
        ["Sjukpenning"] = [SjukRehab], ["Rehabiliteringspenning"] = [SjukRehab], ["SJA"] = [SjukRehab],
        ["Ekonomiskt bistånd"] = [Arbetssokande, SjukRehab, Ovrigt], ["Ingen ersättning"] = [Arbetssokande, SjukRehab, Ovrigt],
        ["Pension"] = [Ovrigt],
    };

    /// <summary>The classes a SUS id stands for; empty for unknown (Svar saknas, Annat/Ej svar).</summary>
    public static IReadOnlyList<int> Of(string susId)
    {
        if (Occupations.TryGetValue(susId, out var c)) return [Array.IndexOf(All, c)];
        if (Incomes.TryGetValue(susId, out var cs)) return cs.Select(x => Array.IndexOf(All, x)).ToArray();
        return [];
    }

    /// <summary>The set of classes a record's category covers (a bit per class); 0 means unknown (left out).</summary>
    public static int Mask(EvidenceCategory category)
    {
        if (category.IsSpecial) return 0;
        var mask = 0;
        foreach (var id in category.Members)
        {
            var cls = Of(id);
            if (cls.Count == 0) return 0;   // a group holding an unknown answer tells nothing for sure
            foreach (var c in cls) mask |= 1 << c;
        }
        return mask;
    }

    public static IEnumerable<int> Members(int mask) => Enumerable.Range(0, Count).Where(c => (mask & (1 << c)) != 0);

    public static string Describe(int mask) => string.Join("/", Members(mask).Select(c => All[c]));
}
