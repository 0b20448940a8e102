using System.Text;
using Finsam.Core.Analysis;

namespace Finsam.Report;

public static partial class ReportBuilder
{
    /// <summary>
    /// The comparison page: one table per figure with the alternatives as rows — value, paired difference against the
    /// reference and the probability of doing better — so it reads at any width and with any number of alternatives.
    /// A difference that is zero in every replicate shows "—", not a probability.
    /// </summary>
    public static string BuildComparison(ComparisonResult c, ReportLanguage lang = ReportLanguage.Sv)
    {
        var t = new Texts(lang);
        var n = new Numbers(lang);
        string E(string? s) => Html.Encode(s);
        var h = new StringBuilder();
        var title = t.T($"Jämförelse av {c.Alternatives.Count} alternativ", $"Comparison of {c.Alternatives.Count} alternatives");
        h.Append($"<!DOCTYPE html>\n<html lang=\"{t.Code}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.Append($"<title>{E(title)}</title>\n<style>{Css}</style>\n</head>\n<body>\n<header>\n<p class=\"kicker\">{E(t.T("Finsam – jämförelse av alternativ", "Finsam – comparing alternatives"))}</p>\n<h1>{E(title)}</h1>\n</header>\n<main>\n");
        h.Append($"<p>{E(t.T(
            $"Alla alternativ kördes med samma slumpfrö ({c.Seed}) och {c.Replicates} simuleringar, så simulering k i varje alternativ delar sina slumptal. Skillnaden mot {c.Reference} räknas simulering för simulering. Sannolikheten att göra bättre är andelen simuleringar där alternativet gjorde strikt bättre; ”—” betyder att skillnaden är exakt noll i varje simulering.",
            $"Every alternative ran with the same seed ({c.Seed}) and {c.Replicates} replicates, so replicate k of each shares its random numbers. The difference against {c.Reference} is paired replicate by replicate. The probability of doing better is the share of replicates in which the alternative did strictly better; \"—\" means the difference is exactly zero in every replicate."))}</p>\n<ul>");
        foreach (var a in c.Alternatives) h.Append($"<li><strong>{E(a.Name)}</strong>: {E(a.Description ?? a.Scenario)}</li>");
        h.Append("</ul>\n");

        void FigureTable(string caption, FigureComparison f, string unit)
        {
            var better = f.Better switch { Better.Higher => t.T("högre är bättre", "higher is better"), Better.Lower => t.T("lägre är bättre", "lower is better"), _ => t.T("ingen riktning", "no direction") };
            h.Append($"<div class=\"table\"><table><caption>{E($"{caption} ({better})")}</caption><thead><tr>");
            foreach (var col in new[] { t.T("Alternativ", "Alternative"), t.T("Medelvärde (90 % intervall)", "Mean (90% interval)"),
                         t.T($"Skillnad mot {c.Reference}", $"Difference against {c.Reference}"), f.Better == Better.Neither ? t.T("P(högre)", "P(higher)") : t.T("P(bättre)", "P(better)") })
                h.Append($"<th scope=\"col\">{E(col)}</th>");
            h.Append("</tr></thead><tbody>\n");
            foreach (var v in f.Values)
            {
                var isRef = v.Difference is null && v.Alternative == c.Reference;
                var p = f.Better == Better.Neither ? v.ProbabilityHigher : v.ProbabilityBetter;
                var value = v.Value is { } s ? $"{n.Value(s.Mean, unit)} ({n.Interval(s, unit)})" : "–";
                var diffUnit = unit == "share" ? "percentage points" : unit;
                var diff = isRef ? t.T("referens", "reference") : v.Difference is { } d
                    ? $"{n.Value(unit == "share" ? d.Mean * 100 : d.Mean, diffUnit)} ({n.Interval(unit == "share" ? new Core.Results.Stat(d.Mean * 100, d.P5 * 100, d.P50 * 100, d.P95 * 100) : d, diffUnit)})" : "–";
                var prob = isRef || v.Difference is null ? "" : p is { } pv ? n.Share(pv) : "—";
                h.Append($"<tr><th scope=\"row\">{E(v.Alternative)}</th><td>{E(value)}</td><td>{E(diff)}</td><td>{E(prob)}</td></tr>\n");
            }
            h.Append("</tbody></table></div>\n");
        }

        h.Append($"<section><h2>{E(t.T("Resultat", "Results"))}</h2>\n");
        foreach (var f in c.Figures) FigureTable(t.Figure(f.Key, f.Label), f, f.Unit);
        h.Append($"</section>\n<section><h2>{E(t.T("Vem betalar och vem vinner?", "Who pays and who gains?"))}</h2>\n<p>{E(t.T("För en part är lägre bättre: den betalar mindre.", "For a party lower is better: it pays less."))}</p>\n");
        foreach (var p in c.Parties)
            foreach (var m in p.Measures.Where(m => m.Key != "ersattning_difference"))
                FigureTable($"{p.Name}: {PartyMeasure(t, m.Key)}", m, "SEK");
        h.Append("</section>\n</main>\n</body>\n</html>\n");
        return h.ToString();
    }

    private static string PartyMeasure(Texts t, string key) => key switch
    {
        "contribution" => t.T("bidrag", "contribution"),
        "ersattning_paid" => t.T("betalda ersättningar", "ersättning paid"),
        "net" => t.T("netto mot utan förbundet", "net against no förbund"),
        _ => key,
    };
}
