using Finsam.Core.Economics;

namespace Finsam.Report;

public static partial class ReportBuilder
{
    /// <summary>The board's sections: the socio-economic account per sector and which assumption decides the answer.</summary>
    private sealed partial class Builder
    {
        private string SectorName(string key) => key switch
        {
            "stat" => t.T("Staten (med FK och AF)", "The state (with FK and AF)"),
            "region" => t.T("Regionen", "The region"),
            "kommun" => t.T("Kommunen", "The kommun"),
            "individual" => t.T("Individerna", "The individuals"),
            _ => t.T("Samhället som helhet", "Society as a whole"),
        };

        private void Economics()
        {
            if (s.Economics is not { } e) return;
            var rate = n.Fixed(e.DiscountRate * 100, 1);
            _h.Append($"<section id=\"samhallsekonomi\" aria-labelledby=\"samhallsekonomi-h\">\n<h2 id=\"samhallsekonomi-h\">{E(t.T("Samhällsekonomisk kalkyl", "Socio-economic account"))}</h2>\n");
            _h.Append($"<p>{E(t.T(
                $"Vad de anvisades ändrade situationer är värda jämfört med om förbundet inte funnits: produktion från arbete, skatter och avgifter, ersättningar och det offentligas egna resurser (vård, socialtjänst, handläggning hos AF och FK), per sektor. Beloppen är diskonterade med {rate} % per år till periodens början, i {e.PriceYear} års priser. Efter perioden följs personerna i {e.FollowUpYears} år till, och antas då stanna i den situation de har vid periodens slut. Plus betyder att sektorn vinner.",
                $"What the changed situations of the people referred are worth compared with no förbund: production from work, taxes and fees, ersättning, and the public sector's own resources (care, social services, AF and FK handling), per sector. Amounts are discounted at {rate}% a year to the start of the period, in {e.PriceYear} prices. After the period people are followed {e.FollowUpYears} more years and assumed to stay in their end-of-period situation. Plus means the sector gains."))}</p>\n");
            string Cell(Core.Results.Stat x) => $"{n.Money(x.Mean)} ({n.Interval(x, "SEK")})";
            Table(t.T("Samhällsekonomisk kalkyl per sektor (medelvärde och 90 % intervall)", "Socio-economic account per sector (mean and 90% interval)"),
                [t.T("Sektor", "Sector"), t.T("Värdet av ändrade situationer under perioden", "Value of changed situations in the period"),
                 t.T("Andel av förbundets kostnad", "Share of the förbund's cost"), t.T("Netto under perioden", "Net in the period"),
                 t.T($"Netto med {e.FollowUpYears} års uppföljning", $"Net with {e.FollowUpYears} follow-up years")],
                e.Sectors.Select(x => new[] { SectorName(x.Sector), Cell(x.Gain), Cell(x.Cost), Cell(x.Net), Cell(x.NetFollowUp) }));

            var payback = e.PaybackMonths is { } pm
                ? t.T($"Samhället får tillbaka förbundets kostnad i {n.Share(e.PaybackShare)} av simuleringarna, i dem efter i mitten {n.Months(pm.P50)} ({n.Interval(pm, "months")}).",
                      $"Society recovers the förbund's cost in {n.Share(e.PaybackShare)} of the replicates, in those after a median of {n.Months(pm.P50)} ({n.Interval(pm, "months")}).")
                : t.T("Samhället får inte tillbaka förbundets kostnad inom perioden och uppföljningen i någon simulering.",
                      "Society does not recover the förbund's cost within the period and follow-up in any replicate.");
            _h.Append($"<p>{E(t.T($"Förbundets kostnad inklusive utlånad personal: {n.Money(e.ForbundSpend.Mean)} ({n.Interval(e.ForbundSpend, "SEK")}).", $"The förbund's cost including staff lent: {n.Money(e.ForbundSpend.Mean)} ({n.Interval(e.ForbundSpend, "SEK")})."))} {E(payback)} ");
            if (e.CostPerWorkOrStudies is { } cpw)
                _h.Append(E(t.T($"Kostnad per person som gått till arbete eller studier: {n.Money(cpw.Mean)} ({n.Interval(cpw, "SEK")}).",
                    $"Cost per person who went on to work or studies: {n.Money(cpw.Mean)} ({n.Interval(cpw, "SEK")}).")));
            _h.Append("</p>\n");

            var chart = Charts.GainBars(t.T($"Netto per sektor med {e.FollowUpYears} års uppföljning", $"Net per sector with {e.FollowUpYears} follow-up years"),
                e.Sectors.Select(x => SectorName(x.Sector)).ToList(), e.Sectors.Select(x => x.NetFollowUp).ToList(),
                t.T("Mkr (plus = vinst)", "SEK million (plus = gain)"), "Mkr", n);
            Figure(chart, t.T("Netto per sektor inklusive uppföljningsåren: stapeln är medelvärdet, strecket 90 % intervall. Gröna staplar: sektorn vinner.",
                    "Net per sector including the follow-up years: the bar is the mean, the whisker the 90% interval. Green: the sector gains."),
                [t.T("Sektor", "Sector"), t.T("Netto", "Net"), t.Interval90],
                e.Sectors.Select(x => new[] { SectorName(x.Sector), n.Money(x.NetFollowUp.Mean), n.Interval(x.NetFollowUp, "SEK") }));

            _h.Append($"<details><summary>{E(t.T("Antaganden och värderingar", "Assumptions and valuations"))}</summary>\n<ul>");
            string[] sv =
            [
                $"Varje värde är ett antagande ur värderingskatalogen {e.CatalogFile} ({e.PriceYear} års priser) och dras på nytt i varje simulering när det har ett intervall.",
                "Ersättningen per ersättningsslag och vem som betalar den kommer från scenariots katalog, dragna exakt som simuleringen drog dem.",
                $"Efter perioden stannar alla i sin situation vid periodens slut i {e.FollowUpYears} år, med och utan förbundet.",
                $"Beloppen diskonteras med {rate} % per år till periodens början.",
                "Sysselsättningar värderas genom varje ersättnings vanliga sysselsättning: simuleringen följer ingen sysselsättning utan förbundet.",
                "Förbundets kostnad bärs av varje sektor i proportion till dess bidrag; utlånad personal av den part som lånar ut.",
                "Samhället som helhet är summan av sektorerna: ersättningar och skatter tar ut varandra, produktion och verklig resursförbrukning återstår.",
            ];
            foreach (var a in t.Language == ReportLanguage.Sv ? sv : e.Assumptions) _h.Append($"<li>{E(a)}</li>");
            _h.Append("</ul>\n");
            TableBody(t.T($"Värderingskatalog: {e.Catalog} ({e.CatalogFile})", $"Valuation catalog: {e.Catalog} ({e.CatalogFile})"),
                [t.T("Värde", "Value"), t.T("Fördelning", "Distribution"), t.T("Källa", "Source"), t.T("År", "Year"), t.T("Antagande", "Assumption")],
                e.Valuations.Select(v => new[] { v.Name, v.Value, v.Source, v.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), v.Assumption }));
            _h.Append("</details>\n</section>\n");
        }

        private static readonly string[] TornadoFigures = ["self_sufficient_12m", "self_sufficient_12m_effect", "society_net_follow_up", "work_or_studies"];

        private void Sensitivity()
        {
            if (s.Sensitivity is not { } sens) return;
            _h.Append($"<section id=\"kanslighet\" aria-labelledby=\"kanslighet-h\">\n<h2 id=\"kanslighet-h\">{E(t.T("Vilket antagande avgör?", "Which assumption decides it?"))}</h2>\n");
            _h.Append($"<p>{E(t.T(
                $"Varje simulering drar sina osäkra värden (effekter, flöden, kostnader, värderingar) på nytt. Här visas hur stor del av spridningen i ett resultat som varje osäkert värde ensamt förklarar, skattat från de {sens.Replicates} simuleringarna själva (förstaordningens variansandelar). Resten är samspel mellan värden, dragna fördelningar och varje persons egen slump. Värden vars inverkan inte går att skilja från slumpen räknas som noll.",
                $"Each replicate draws its uncertain values (effects, flows, costs, valuations) anew. This shows how much of a result's spread each uncertain value explains on its own, estimated from the {sens.Replicates} replicates themselves (first-order variance shares). The rest is interplay between values, drawn mixes and each person's own chance. Values whose influence cannot be told from chance count as zero."))}</p>\n");
            foreach (var key in TornadoFigures)
            {
                var f = sens.Figures.FirstOrDefault(x => x.Figure == key);
                if (f is null || f.Shares.Count == 0) continue;
                var top = f.Shares.Take(8).ToList();
                var label = t.Figure(f.Figure, f.Label);
                var chart = Charts.Tornado(t.T($"Vad förklarar spridningen: {label}", $"What explains the spread: {label}"),
                    top.Select(x => x.Input).ToList(), top.Select(x => x.Share).ToList(), t.T("övrigt (samspel, slump)", "rest (interplay, chance)"),
                    f.Unexplained + f.Shares.Skip(8).Sum(x => x.Share), t.T("Andel av variansen, %", "Share of the variance, %"));
                Figure(chart, t.T($"Andel av spridningen i {label.ToLowerInvariant()} som varje osäkert värde förklarar; grå stapel: det som inget enskilt värde förklarar.",
                        $"Share of the spread of {label.ToLowerInvariant()} each uncertain value explains; grey bar: what no single value explains."),
                    [t.T("Osäkert värde", "Uncertain value"), t.T("Andel", "Share")],
                    f.Shares.Select(x => new[] { x.Input, n.Share(x.Share) }).Append([t.T("övrigt", "rest"), n.Share(f.Unexplained)]));
            }
            Table(t.T("Alla resultat: de tre värden som förklarar mest", "Every result: the three values that explain most"),
                [t.T("Resultat", "Result"), t.T("Osäkra värden (andel av variansen)", "Uncertain values (share of the variance)"), t.T("Övrigt", "Rest")],
                sens.Figures.Select(f => new[]
                {
                    t.Figure(f.Figure, f.Label),
                    f.Shares.Count == 0 ? t.T("inget går att skilja från slumpen", "none can be told from chance")
                        : string.Join("; ", f.Shares.Take(3).Select(x => $"{x.Input} {n.Share(x.Share)}")),
                    n.Share(f.Unexplained),
                }));
            _h.Append($"<p class=\"note\">{E(t.T("Metod: docs/economics.md, avsnittet om känslighet.", "Method: docs/economics.md, the section on sensitivity."))}</p>\n</section>\n");
        }
    }
}
