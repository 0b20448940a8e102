using System.Text;
using Finsam.Core.Analysis;
using Finsam.Core.Economics;
using Finsam.Core.Results;

namespace Finsam.Report;

public static partial class ReportBuilder
{
    /// <summary>
    /// The optimisation page (optimise.html), Swedish first: the best few, the plan and the hand-written variants on the
    /// final replicates with intervals and P(better than the plan); the socio-economic account per sector side by side
    /// with payback time; the frontier of cost against outcome as a chart; the best as a variant to paste.
    /// </summary>
    public static string BuildOptimise(OptimiseResult r, ReportLanguage lang = ReportLanguage.Sv)
    {
        var t = new Texts(lang);
        var n = new Numbers(lang);
        string E(string? s) => Html.Encode(s);
        var o = r.Objective;
        var label = t.Figure(o.Key, o.Label);
        string Value(Stat? s, string unit) => s is null ? "–" : $"{n.Value(s.Mean, unit)} ({n.Interval(s, unit)})";
        string Diff(Stat? d, string unit) => d is null ? "–" : unit == "share"
            ? $"{n.Points(d.Mean * 100)} ({n.Interval(new Stat(d.Mean * 100, d.P5 * 100, d.P50 * 100, d.P95 * 100), "percentage points")})"
            : $"{Sign(d.Mean)}{n.Value(d.Mean, unit)} ({Sign(d.P5)}{n.Value(d.P5, unit)} {t.T("till", "to")} {Sign(d.P95)}{n.Value(d.P95, unit)})";
        static string Sign(double v) => v > 0 ? "+" : "";
        string Setting(DimensionInfo d, double v) => d.Unit switch { "%" => n.Fixed(v, v == Math.Round(v) ? 0 : 1) + " %", "SEK" => n.Money(v), _ => n.Fixed(v, v == Math.Round(v) ? 0 : 1) + " " + d.Unit };
        string Settings(IReadOnlyList<double> s) => string.Join("; ", r.Dimensions.Select((d, i) => $"{Optimiser.ShortLabel(d, t.T("alla år", "every year"))}: {Setting(d, s[i])}"));

        var h = new StringBuilder();
        var title = t.T($"Bästa användningen av budgeten – {r.Scenario}", $"The best use of the budget – {r.Scenario}");
        h.Append($"<!DOCTYPE html>\n<html lang=\"{t.Code}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.Append($"<title>{E(title)}</title>\n<style>{Css}\ntr.best th, tr.best td {{ font-weight: 600; background: #eef6ee; }}\ntd.settings {{ white-space: normal; text-align: left; min-width: 14em; max-width: 26em; font-size: .9em; }}\n</style>\n</head>\n<body>\n<header>\n<p class=\"kicker\">{E(t.T("Finsam – optimering", "Finsam – optimisation"))}</p>\n<h1>{E(title)}</h1>\n</header>\n<main>\n");
        var direction = o.Direction == Better.Higher ? t.T("högre är bättre", "higher is better") : t.T("lägre är bättre", "lower is better");
        h.Append($"<p>{E(t.T(
            $"Målet är {label.ToLowerInvariant()} ({direction}) inom en budget på {n.Money(r.Budget)} över perioden (eget kapital och bidrag). Sökningen prövade {r.Search.Candidates} fördelningar med {r.Search.Replicates} simuleringar var, alla med samma slumptal (slumpfrö {r.Search.Seed}), så att de skiljer sig åt genom sina val och inte genom slumpen. De bästa {r.Confirmed.Count(c => c.Kind == Optimiser.OptimisedKind)}, planen och de handskrivna varianterna kördes sedan på nytt med {r.Replicates} andra simuleringar (slumpfrö {r.Seed}, samma som finsam compare), så att vinnarens siffror inte är de den valdes på.",
            $"The objective is {label.ToLowerInvariant()} ({direction}) within a budget of {n.Money(r.Budget)} over the period (equity and contributions). The search tried {r.Search.Candidates} allocations with {r.Search.Replicates} replicates each, all with the same random numbers (seed {r.Search.Seed}), so they differ by their choices and not by chance. The best {r.Confirmed.Count(c => c.Kind == Optimiser.OptimisedKind)}, the plan and the hand-written variants were then run again on {r.Replicates} other replicates (seed {r.Seed}, as finsam compare), so the winner's figures are not the ones it was picked on."))}</p>\n");

        // The result on the final replicates.
        h.Append($"<section><h2>{E(t.T("Resultat", "Result"))}</h2>\n<div class=\"table\"><table><caption>{E($"{label} ({direction}); {t.T("skillnad och sannolikhet räknas simulering för simulering mot planen", "difference and probability paired replicate by replicate against the plan")}")}</caption><thead><tr>");
        foreach (var col in new[] { t.T("Alternativ", "Alternative"), t.T("Val", "Settings"), t.T("Medelvärde (90 % intervall)", "Mean (90% interval)"),
                     t.T("Skillnad mot planen", "Difference against the plan"), t.T("P(bättre än planen)", "P(better than the plan)"), t.T("Förbundets kostnad", "The förbund's spending") })
            h.Append($"<th scope=\"col\">{E(col)}</th>");
        h.Append("</tr></thead><tbody>\n");
        // The plan, the best few, then the hand-written variants (whose description says what else they change).
        var ordered = r.Confirmed.Where(c => c.Kind != Optimiser.VariantKind).Concat(r.Confirmed.Where(c => c.Kind == Optimiser.VariantKind));
        foreach (var c in ordered)
        {
            var name = c.Name + (c.WithinBudget ? "" : t.T(" (över budget)", " (over budget)"));
            var settings = c.Settings is { } s ? Settings(s) : "";
            if (c.Kind == Optimiser.VariantKind && c.Description is { } desc) settings = settings.Length == 0 ? desc : $"{settings}. {desc}";
            var p = c.Kind == Optimiser.PlanKind ? t.T("referens", "reference") : c.ProbabilityBetter is { } pb ? n.Share(pb) : "—";
            var row = c.Name == r.Best ? " class=\"best\"" : "";
            h.Append($"<tr{row}><th scope=\"row\">{E(name)}</th><td class=\"settings\">{E(settings)}</td><td>{E(Value(c.Objective, o.Unit))}</td><td>{E(c.Kind == Optimiser.PlanKind ? "" : Diff(c.Difference, o.Unit))}</td><td>{E(p)}</td><td>{E(c.Spend is { } sp ? n.Money(sp.Mean) : "–")}</td></tr>\n");
        }
        h.Append("</tbody></table></div>\n");
        if (r.Verdicts.Count > 0)
        {
            var beats = r.Verdicts.Count(v => v.Outcome == "beats");
            var ties = r.Verdicts.Count(v => v.Outcome == "ties");
            var loses = r.Verdicts.Where(v => v.Outcome == "loses").Select(v => v.Variant).ToList();
            h.Append($"<p>{E(t.T($"{r.Best} mot de {r.Verdicts.Count} handskrivna varianterna inom budgeten: bättre än {beats}, lika med {ties}, sämre än {loses.Count}{(loses.Count > 0 ? $" ({string.Join(", ", loses)})" : "")}.",
                $"{r.Best} against the {r.Verdicts.Count} hand-written variants within the budget: beats {beats}, ties {ties}, loses {loses.Count}{(loses.Count > 0 ? $" ({string.Join(", ", loses)})" : "")}."))}</p>\n");
        }
        h.Append("</section>\n");

        Account(h, r, t, n, Value);
        Frontier(h, r, t, n, label, Settings);

        if (r.BestVariantYaml.Length > 0)
            h.Append($"<section><h2>{E(t.T("Den bästa som variant", "The best as a variant"))}</h2>\n<p>{E(t.T($"Klistra in under variants: i {Path.GetFileName(r.File)} för att köra den med finsam run eller jämföra den med finsam compare.", $"Paste under variants: in {Path.GetFileName(r.File)} to run it with finsam run or compare it with finsam compare."))}</p>\n<pre>{E(r.BestVariantYaml)}</pre>\n</section>\n");
        h.Append($"<p class=\"note\">{E(t.T($"Metod: docs/optimise.md. Sökningen: {r.Search.Method}; {r.Search.StopReason}. {r.Search.ReplicateRuns} körda simuleringar totalt.", $"Method: docs/optimise.md. The search: {r.Search.Method}; {r.Search.StopReason}. {r.Search.ReplicateRuns} replicate runs in all."))}</p>\n");
        h.Append("</main>\n</body>\n</html>\n");
        return h.ToString();
    }

    /// <summary>The socio-economic account per sector for the plan, the variants and the best, side by side, with payback time.</summary>
    private static void Account(StringBuilder h, OptimiseResult r, Texts t, Numbers n, Func<Stat?, string, string> value)
    {
        string E(string? s) => Html.Encode(s);
        var c = r.Comparison;
        var byKey = c.Figures.ToDictionary(f => f.Key, StringComparer.Ordinal);
        if (!byKey.ContainsKey("society_net_follow_up")) return;
        var shown = r.Confirmed.Where(x => x.Kind == Optimiser.PlanKind || x.Name == r.Best).Concat(r.Confirmed.Where(x => x.Kind == Optimiser.VariantKind)).Select(x => x.Name).ToList();
        string Sector(string key) => key switch
        {
            "stat" => t.T("Staten (med FK och AF)", "The state (with FK and AF)"),
            "region" => t.T("Regionen", "The region"),
            "kommun" => t.T("Kommunen", "The kommun"),
            "individual" => t.T("Individerna", "The individuals"),
            _ => t.T("Samhället", "Society"),
        };
        h.Append($"<section><h2>{E(t.T("Samhällsekonomisk kalkyl sida vid sida", "The socio-economic account side by side"))}</h2>\n<p>{E(t.T(
            "Netto per sektor mot om förbundet inte funnits, med uppföljningsåren, diskonterat (plus = sektorn vinner); förbundets kostnad och samhällets återbetalningstid. Medelvärde och 90 % intervall över de slutliga simuleringarna. Metod och antaganden: docs/economics.md.",
            "Net per sector against no förbund, with the follow-up years, discounted (plus = the sector gains); the förbund's cost and society's payback time. Mean and 90% interval over the final replicates. Method and assumptions: docs/economics.md."))}</p>\n");
        h.Append($"<div class=\"table\"><table><caption>{E(t.T("Netto per sektor med uppföljning, förbundets kostnad och återbetalningstid", "Net per sector with follow-up, the förbund's cost and payback time"))}</caption><thead><tr><th scope=\"col\">{E(t.T("Alternativ", "Alternative"))}</th>");
        foreach (var s in SocioEconomics.SectorKeys) h.Append($"<th scope=\"col\">{E(Sector(s))}</th>");
        h.Append($"<th scope=\"col\">{E(t.T("Förbundets kostnad", "The förbund's cost"))}</th><th scope=\"col\">{E(t.T("Återbetalningstid", "Payback time"))}</th></tr></thead><tbody>\n");
        Stat? Of(string key, string alt) => byKey.TryGetValue(key, out var f) ? f.Values.FirstOrDefault(v => v.Alternative == alt)?.Value : null;
        foreach (var alt in shown)
        {
            var row = alt == r.Best ? " class=\"best\"" : "";
            h.Append($"<tr{row}><th scope=\"row\">{E(alt)}</th>");
            foreach (var s in SocioEconomics.SectorKeys) h.Append($"<td>{E(value(Of($"{s}_net_follow_up", alt), "SEK"))}</td>");
            h.Append($"<td>{E(value(Of("forbund_spend", alt), "SEK"))}</td><td>{E(value(Of("payback_months", alt), "months"))}</td></tr>\n");
        }
        h.Append("</tbody></table></div>\n");
        h.Append($"<p class=\"note\">{E(t.T("Återbetalningstiden gäller de simuleringar där samhället får tillbaka kostnaden inom perioden och uppföljningen.", "The payback time is over the replicates in which society recovers the cost within the period and the follow-up."))}</p>\n</section>\n");
    }

    /// <summary>The frontier of cost against outcome on the search replicates, as a chart with a table beneath.</summary>
    private static void Frontier(StringBuilder h, OptimiseResult r, Texts t, Numbers n, string label, Func<IReadOnlyList<double>, string> settings)
    {
        string E(string? s) => Html.Encode(s);
        var o = r.Objective;
        var best = r.Confirmed.FirstOrDefault(c => c.Name == r.Best)?.Settings;
        bool IsBest(CandidateInfo c) => best is not null && c.Stage is not (Optimiser.PlanKind or Optimiser.VariantKind) && c.Settings is { } s && s.SequenceEqual(best);
        var points = r.Candidates.Where(c => c.Objective is not null && c.Spend is not null).Select(c => new FrontierPoint(c.Name, c.Spend!.Mean, c.Objective!.Mean,
            IsBest(c) ? "best" : c.Stage is Optimiser.PlanKind or Optimiser.VariantKind ? "alternative" : c.OnFrontier ? "frontier" : "candidate")).ToList();
        if (points.Count == 0) return;
        var unit = o.Unit;
        var chart = Charts.Frontier(t.T($"Kostnad mot resultat: {label}", $"Cost against outcome: {label}"), points,
            t.T("Förbundets kostnad för insatser, Mkr", "The förbund's spending on insatser, SEK million"), unit == "share" ? "%" : "", unit, n,
            t.T("prövade fördelningar", "allocations tried"), t.T("fronten", "the frontier"), t.T("planen och varianterna", "the plan and the variants"), t.T("den bästa", "the best"));
        h.Append($"<section><h2>{E(t.T("Kostnad mot resultat", "Cost against outcome"))}</h2>\n<figure>{Html.UniqueIds(chart, "frontier")}<figcaption>{E(t.T(
            "Varje punkt är en fördelning som sökningen prövade (medelvärden över sökningens simuleringar). Fronten förbinder de fördelningar som ingen billigare slår. Planen och varianterna över budgeten visas men räknas inte till fronten.",
            "Each point is an allocation the search tried (means over the search replicates). The frontier joins those no cheaper one beats. The plan and variants over the budget are shown but not counted in the frontier."))}</figcaption></figure>\n");
        h.Append($"<div class=\"table\"><table><caption>{E(t.T("Fronten", "The frontier"))}</caption><thead><tr><th scope=\"col\">{E(t.T("Alternativ", "Alternative"))}</th><th scope=\"col\">{E(t.T("Förbundets kostnad", "Spending"))}</th><th scope=\"col\">{E(label)}</th><th scope=\"col\">{E(t.T("Val", "Settings"))}</th></tr></thead><tbody>\n");
        foreach (var c in r.Candidates.Where(c => c.OnFrontier).OrderBy(c => c.Spend!.Mean))
            h.Append($"<tr><th scope=\"row\">{E(c.Name)}</th><td>{E(n.Money(c.Spend!.Mean))}</td><td>{E($"{n.Value(c.Objective!.Mean, unit)} ({n.Interval(c.Objective, unit)})")}</td><td class=\"settings\">{E(c.Settings is { } s ? settings(s) : "")}</td></tr>\n");
        h.Append("</tbody></table></div>\n</section>\n");
    }
}
