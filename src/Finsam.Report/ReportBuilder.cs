using System.Text.RegularExpressions;
using System.Text;
using Finsam.Core.Results;

namespace Finsam.Report;

/// <summary>
/// The board report: one self-contained HTML file (inline CSS, charts as inline SVG, no scripts and nothing
/// fetched from the network) built from a run's result. The first screen says what was simulated, the
/// headline figures in plain words, and who pays and who gains; charts and ledgers follow, each chart with
/// a table of the same numbers for screen readers and for copying. The same result gives the same file.
/// </summary>
public static partial class ReportBuilder
{
    public static string Build(RunSummary s, ReportLanguage lang = ReportLanguage.Sv)
    {
        var b = new Builder(s, new Texts(lang), new Numbers(lang));
        return b.Document();
    }

    /// <summary>Writes the report to <paramref name="path"/> whole or not at all.</summary>
    public static void Write(RunSummary s, string path, ReportLanguage lang = ReportLanguage.Sv)
    {
        var html = Build(s, lang);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + $".partial-{Environment.ProcessId}";
        try
        {
            File.WriteAllText(tmp, html, new UTF8Encoding(false));
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    public static ReportLanguage ParseLanguage(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sv" or "sv-se" or "svenska" => ReportLanguage.Sv,
        "en" or "en-gb" or "en-us" or "english" => ReportLanguage.En,
        _ => throw new ArgumentException($"unknown report language '{code}': use sv or en"),
    };

    private sealed partial class Builder(RunSummary s, Texts t, Numbers n)
    {
        private readonly StringBuilder _h = new();
        private int _figure;

        private static string E(string? text) => ReportBuilder.Html.Encode(text);

        private Figure? Fig(string key) => s.Headline.FirstOrDefault(f => f.Key == key);

        private string V(string key) => Fig(key) is { Value: { } v } f ? n.Value(v.Mean, f.Unit) : "–";

        private string I(string key) => Fig(key) is { } f ? n.Interval(f.Value, f.Unit) : "–";

        private string Month(string label)
        {
            if (label.Length < 7 || !int.TryParse(label[5..7], out var m) || m is < 1 or > 12) return label;
            string[] sv = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];
            string[] en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
            return $"{(t.Language == ReportLanguage.Sv ? sv : en)[m - 1]} {label[..4]}";
        }

        public string Document()
        {
            var r = s.Run;
            var title = t.T($"{r.Scenario}: prognos {Month(r.Start)} – {Month(r.End)}", $"{r.Scenario}: forecast {Month(r.Start)} – {Month(r.End)}");
            _h.Append($"<!DOCTYPE html>\n<html lang=\"{t.Code}\">\n<head>\n<meta charset=\"utf-8\">\n");
            _h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            _h.Append($"<title>{E(title)}</title>\n<style>{Css}</style>\n</head>\n<body>\n");
            _h.Append($"<header>\n<p class=\"kicker\">{E(t.T("Finsam – simulering av ett samordningsförbund", "Finsam – simulation of a samordningsförbund"))}</p>\n");
            _h.Append($"<h1>{E(title)}</h1>\n");
            if (r.Variant is { } v) _h.Append($"<p class=\"variant\">{E(t.T("Alternativ", "Alternative"))}: <strong>{E(v)}</strong></p>\n");
            _h.Append("</header>\n");
            Nav();
            _h.Append("<main>\n");
            Summary();
            Parties();
            Income();
            Insatser();
            Ledgers();
            Economics();     // ReportBuilder.Board.cs
            Sensitivity();
            Recorded();
            About();
            _h.Append("</main>\n");
            _h.Append($"<footer><p>{E(t.T("Skapad av Finsam från", "Made by Finsam from"))} {E(r.File)} · {E(t.T("slumpfrö", "seed"))} {r.Seed} · {r.Replicates} {E(t.T("simuleringar", "replicates"))}.</p></footer>\n");
            _h.Append("</body>\n</html>\n");
            return _h.ToString();
        }

        private void Nav()
        {
            _h.Append($"<nav aria-label=\"{E(t.T("Innehåll", "Contents"))}\"><ol>");
            void Item(string id, string label) => _h.Append($"<li><a href=\"#{id}\">{E(label)}</a></li>");
            Item("viktigast", t.T("Det viktigaste", "Key figures"));
            Item("parter", t.T("Vem betalar och vem vinner?", "Who pays and who gains?"));
            Item("ersattningar", t.T("Personer per ersättning", "People by income support"));
            Item("insatser", t.T("Insatserna", "The insatser"));
            Item("liggare", t.T("Parternas liggare", "The parties' ledgers"));
            if (s.Economics is not null) Item("samhallsekonomi", t.T("Samhällsekonomisk kalkyl", "Socio-economic account"));
            if (s.Sensitivity is not null) Item("kanslighet", t.T("Vilket antagande avgör?", "Which assumption decides it?"));
            if (s.Recorded is not null) Item("utfall", t.T("Uppmätt mot prognos", "Recorded against forecast"));
            Item("om", t.T("Om beräkningen", "About the calculation"));
            _h.Append("</ol></nav>\n");
        }

        // ------------------------------------------------------------------ first screen

        private void Summary()
        {
            var r = s.Run;
            _h.Append($"<section id=\"viktigast\" aria-labelledby=\"viktigast-h\">\n<h2 id=\"viktigast-h\">{E(t.T("Det viktigaste", "Key figures"))}</h2>\n");
            var insatser = string.Join(", ", s.Insatser.Select(i => i.Name));
            var parties = string.Join(", ", s.Parties.Select(p => p.Name));
            _h.Append("<p class=\"lead\">").Append(E(t.T(
                $"Finsam har räknat fram hur det kan gå för de personer som parterna anvisar till förbundets insatser ({insatser}) " +
                $"från {Month(r.Start)} till {Month(r.End)} ({r.Months} månader). Beräkningen har gjorts {r.Replicates} gånger med olika slump " +
                $"och med de osäkra antagandena dragna på nytt varje gång. Siffrorna är medelvärden; ”90 % intervall” betyder att nio av tio " +
                $"beräkningar hamnade inom intervallet. Parter: {parties}.",
                $"Finsam has worked out how the people the parties refer to the förbund's insatser ({insatser}) may fare " +
                $"from {Month(r.Start)} to {Month(r.End)} ({r.Months} months). The calculation was repeated {r.Replicates} times with different " +
                $"chance and with the uncertain assumptions drawn anew each time. Figures are means; a “90% interval” holds nine in ten " +
                $"of the calculations. Parties: {parties}."))).Append("</p>\n");

            _h.Append("<div class=\"cards\">\n");
            Card("served", t.T(
                $"Av omkring {V("referred")} anvisade personer beräknas omkring {V("served")} få en insats under perioden.",
                $"Of about {V("referred")} people referred, about {V("served")} are expected to receive an insats during the period."));
            Card("work_or_studies", t.T(
                $"Omkring {V("work_or_studies")} deltagare förväntas gå direkt från en insats till arbete eller studier.",
                $"About {V("work_or_studies")} participants are expected to go straight from an insats to work or studies."));
            var effect = Fig("self_sufficient_12m_effect")?.Value;
            var uncertain = effect is not null && effect.P5 < 0 && effect.P95 > 0;
            Card("self_sufficient_12m", t.T(
                $"Med förbundets insatser är {V("self_sufficient_12m")} självförsörjande ett år efter anvisningen, mot {V("self_sufficient_12m_counterfactual")} utan dem: " +
                $"en skillnad på {V("self_sufficient_12m_effect")} ({t.Interval90} {I("self_sufficient_12m_effect")})." +
                (uncertain ? " Intervallet rymmer både en positiv och en negativ effekt, så effekten är osäker." : ""),
                $"With the förbund's insatser {V("self_sufficient_12m")} are self-sufficient a year after referral, against {V("self_sufficient_12m_counterfactual")} without them: " +
                $"a difference of {V("self_sufficient_12m_effect")} ({t.Interval90} {I("self_sufficient_12m_effect")})." +
                (uncertain ? " The interval holds both a positive and a negative effect, so the effect is uncertain." : "")));
            Card("mean_wait_months", t.T(
                $"En anvisad person väntar i genomsnitt {V("mean_wait_months")} innan insatsen börjar.",
                $"A referred person waits on average {V("mean_wait_months")} before the insats starts."));
            Card("spend", t.T(
                $"Förbundet lägger {V("spend")} på insatserna, omkring {V("cost_per_participant")} per deltagare.",
                $"The förbund spends {V("spend")} on the insatser, about {V("cost_per_participant")} per participant."));
            if (Fig("ersattning_difference")?.Value is { } diff)
            {
                var saved = diff.Mean <= 0;
                var amount = n.Money(Math.Abs(diff.Mean));
                Card("ersattning_difference", t.T(
                    $"De anvisade får {V("ersattning_paid")} i ersättningar under perioden, {amount} {(saved ? "mindre" : "mer")} än utan förbundets insatser." +
                    (diff.P5 < 0 && diff.P95 > 0 ? " Intervallet rymmer både besparing och merkostnad." : ""),
                    $"The people referred receive {V("ersattning_paid")} in ersättning over the period, {amount} {(saved ? "less" : "more")} than without the förbund's insatser." +
                    (diff.P5 < 0 && diff.P95 > 0 ? " The interval holds both a saving and an extra cost." : "")));
            }
            _h.Append("</div>\n");

            // Who pays and who gains, in brief.
            _h.Append($"<h3>{E(t.T("Vem betalar och vem vinner – i korthet", "Who pays and who gains – in brief"))}</h3>\n<ul class=\"parties\">\n");
            foreach (var p in s.Parties) _h.Append("<li>").Append(E(PartySentence(p))).Append("</li>\n");
            _h.Append("</ul>\n");
            _h.Append($"<p class=\"note\">{E(t.T(
                "Netto = bidrag + utlånad personal + ersättningar som parten betalar till de anvisade − vad samma personer skulle ha fått utan förbundets insatser. Ett negativt netto betyder att parten vinner mer än den satsar.",
                "Net = contribution + staff lent + ersättning the party pays to the people referred − what the same people would have received without the förbund's insatser. A negative net means the party gains more than it puts in."))}</p>\n");
            _h.Append("</section>\n");
        }

        private void Card(string key, string sentence)
        {
            var f = Fig(key);
            if (f is null) return;
            _h.Append("<div class=\"card\">");
            _h.Append($"<p class=\"label\">{E(t.Figure(f.Key, f.Label))}</p>");
            _h.Append($"<p class=\"value\">{E(f.Value is null ? "–" : n.Value(f.Value.Mean, f.Unit))}</p>");
            _h.Append($"<p class=\"interval\">{E(t.Interval90)}: {E(n.Interval(f.Value, f.Unit))}</p>");
            _h.Append($"<p>{E(sentence)}</p></div>\n");
        }

        private string PartySentence(PartySummary p)
        {
            var diff = p.Difference.Mean;
            var inKind = p.InKind.Mean > 0 ? t.T($", lånar ut personal värd {n.Money(p.InKind.Mean)}", $", lends staff worth {n.Money(p.InKind.Mean)}") : "";
            var ers = Math.Abs(diff) < 0.5
                ? t.T("betalar inga ersättningar som ändras", "pays no ersättning that changes")
                : t.T($"betalar {n.Money(Math.Abs(diff))} {(diff < 0 ? "mindre" : "mer")} i ersättningar än utan förbundets insatser",
                      $"pays {n.Money(Math.Abs(diff))} {(diff < 0 ? "less" : "more")} in ersättning than without the förbund's insatser");
            var net = p.Net.Mean;
            var verdict = net <= 0
                ? t.T($"vinner netto {n.Money(-net)}", $"gains {n.Money(-net)} net")
                : t.T($"kostar det netto {n.Money(net)}", $"its net cost is {n.Money(net)}");
            return t.T(
                $"{p.Name} bidrar med {n.Money(p.Contribution.Mean)}{inKind} och {ers}. Sammantaget {verdict} ({t.Interval90} {n.Interval(p.Net, "SEK")}).",
                $"{p.Name} contributes {n.Money(p.Contribution.Mean)}{inKind} and {ers}. Altogether {verdict} ({t.Interval90} {n.Interval(p.Net, "SEK")}).");
        }

        // ------------------------------------------------------------------ parties

        private void Parties()
        {
            _h.Append($"<section id=\"parter\" aria-labelledby=\"parter-h\">\n<h2 id=\"parter-h\">{E(t.T("Vem betalar och vem vinner?", "Who pays and who gains?"))}</h2>\n");
            _h.Append($"<p>{E(t.T(
                "Förbundets pengar kommer från parternas bidrag. Ersättningarna till de anvisade betalas av olika parter beroende på ersättningsslag: när någon går från till exempel sjukpenning till arbete minskar Försäkringskassans utgifter. Tabellen visar summan över hela perioden.",
                "The förbund's money comes from the parties' contributions. Ersättning to the people referred is paid by different parties depending on its kind: when someone moves from sjukpenning to work, Försäkringskassan pays less. The table shows totals over the whole period."))}</p>\n");
            Table(t.T("Parternas pengar under hela perioden (medelvärde och 90 % intervall)", "The parties' money over the whole period (mean and 90% interval)"),
                [t.T("Part", "Party"), t.T("Bidrag", "Contribution"), t.T("Utlånad personal", "Staff lent"), t.T("Ersättningar", "Ersättning paid"),
                 t.T("Utan förbundets insatser", "Without the förbund's insatser"), t.T("Skillnad", "Difference"), t.T("Netto", "Net")],
                s.Parties.Select(p => new[]
                {
                    p.Name, n.Money(p.Contribution.Mean), n.Money(p.InKind.Mean), n.Money(p.ErsattningPaid.Mean), n.Money(p.CounterfactualPaid.Mean),
                    n.Money(p.Difference.Mean), $"{n.Money(p.Net.Mean)} ({n.Interval(p.Net, "SEK")})",
                }));
            if (s.Parties.Count > 0)
            {
                var chart = Charts.Bars(t.T("Netto per part", "Net per party"), s.Parties.Select(p => p.Name).ToList(), s.Parties.Select(p => p.Net).ToList(),
                    t.T("Mkr (minus = vinst)", "SEK million (minus = gain)"), "Mkr", n);
                Figure(chart, t.T("Netto per part under perioden: stapeln är medelvärdet, strecket 90 % intervall. Gröna staplar: parten vinner; röda: parten betalar mer än den får tillbaka.",
                        "Net per party over the period: the bar is the mean, the whisker the 90% interval. Green: the party gains; red: it pays more than it gets back."),
                    [t.T("Part", "Party"), t.T("Netto", "Net"), t.Interval90],
                    s.Parties.Select(p => new[] { p.Name, n.Money(p.Net.Mean), n.Interval(p.Net, "SEK") }));
            }
            var payersOutside = s.Payers.Where(p => p.Paid.P95 > 0 && !s.Parties.Any(x => x.Kind.Equals(p.Id, StringComparison.OrdinalIgnoreCase))).ToList();
            if (payersOutside.Count > 0)
                Table(t.T("Ersättningar som andra än parterna betalar", "Ersättning paid by others than the parties"),
                    [t.T("Betalare", "Payer"), t.T("Betalt", "Paid"), t.T("Utan förbundets insatser", "Without the förbund's insatser"), t.T("Skillnad", "Difference")],
                    payersOutside.Select(p => new[] { p.Name, n.Money(p.Paid.Mean), n.Money(p.CounterfactualPaid.Mean), n.Money(p.Difference.Mean) }));
            if (s.BudgetLines.Count > 0)
                Table(t.T("Förbundets kostnad per budgetområde", "The förbund's spending per budget line"),
                    [t.T("Budgetområde", "Budget line"), t.T("Kostnad", "Spending"), t.Interval90],
                    s.BudgetLines.Select(l => new[] { l.Name, n.Money(l.Spend.Mean), n.Interval(l.Spend, "SEK") }));
            _h.Append("</section>\n");
        }

        // ------------------------------------------------------------------ people by income state

        private void Income()
        {
            _h.Append($"<section id=\"ersattningar\" aria-labelledby=\"ersattningar-h\">\n<h2 id=\"ersattningar-h\">{E(t.T("Personer per ersättning över tid", "People by income support over time"))}</h2>\n");
            _h.Append($"<p>{E(t.T(
                "Hur många av de anvisade som varje månad har respektive ersättning (eller lön), med förbundets insatser (blått) och utan dem (orange, streckat). Linjen är medelvärdet och det skuggade fältet 90 % intervall.",
                "How many of the people referred have each kind of income support (or wages) each month, with the förbund's insatser (blue) and without them (orange, dashed). The line is the mean, the shaded band the 90% interval."))}</p>\n<div class=\"grid\">\n");
            var m = s.Monthly;
            for (var k = 0; k < m.Income.Count; k++)
            {
                var with = m.Income[k];
                var without = k < m.CounterfactualIncome.Count ? m.CounterfactualIncome[k] : null;
                if (with.Values.All(v => v.P95 <= 0) && (without is null || without.Values.All(v => v.P95 <= 0))) continue;
                var series = new List<Band> { new(t.T("Med insatser", "With insatser"), with.Values.Cast<Stat?>().ToList(), Charts.Blue) };
                if (without is not null) series.Add(new(t.T("Utan insatser", "Without insatser"), without.Values.Cast<Stat?>().ToList(), Charts.Orange, Dashed: true));
                var chart = Charts.Fan(with.Name, s.Run.MonthLabels, series, t.T("Personer", "People"), "people", n, t);
                Figure(chart, t.T($"{with.Name}: antal personer per månad, med och utan förbundets insatser.", $"{with.Name}: people per month, with and without the förbund's insatser.") + FanNote,
                    MonthColumns(series.Select(x => x.Name)), MonthRows(series, "people"), inGrid: true);
            }
            _h.Append("</div>\n</section>\n");
        }

        // ------------------------------------------------------------------ insatser

        private void Insatser()
        {
            _h.Append($"<section id=\"insatser\" aria-labelledby=\"insatser-h\">\n<h2 id=\"insatser-h\">{E(t.T("Insatserna", "The insatser"))}</h2>\n");
            Table(t.T("Insatserna under hela perioden (medelvärden)", "The insatser over the whole period (means)"),
                [t.T("Insats", "Insats"), t.T("Antagna", "Admitted"), t.T("Avslutade", "Ended"), t.T("Beläggning / platser", "Occupancy / places"),
                 t.T("Kö vid periodens slut", "Queue at the end"), t.T("Väntetid, medel", "Mean wait"), t.T("Väntetid, 90:e percentil", "Wait, 90th percentile"), t.T("Kostnad", "Spending")],
                s.Insatser.Select(i => new[]
                {
                    i.Name, $"{n.Count(i.Admitted.Mean)} ({n.Interval(i.Admitted, "people")})", n.Count(i.Ended.Mean),
                    $"{n.Count(i.MeanOccupancy.Mean)} / {n.Count(i.MeanCapacity.Mean)}", n.Count(i.QueueAtHorizon.Mean),
                    i.MeanWait is null ? "–" : n.Months(i.MeanWait.Mean), i.WaitP90 is null ? "–" : n.Months(i.WaitP90.Mean), n.Money(i.Spend.Mean),
                }));
            foreach (var i in s.Insatser)
            {
                var series = s.Monthly.Insatser.FirstOrDefault(x => x.Id == i.Id);
                _h.Append($"<h3>{E(i.Name)}</h3>\n");
                _h.Append($"<p>{E(t.T(
                    $"Omkring {n.Count(i.Admitted.Mean)} personer antas ({t.Interval90} {n.Interval(i.Admitted, "people")}), i genomsnitt {n.Count(i.MeanOccupancy.Mean)} deltagare på {n.Count(i.MeanCapacity.Mean)} platser." +
                    (i.WaitP90 is { } p90 ? $" Nio av tio antagna har väntat högst {n.Months(p90.Mean)}." : ""),
                    $"About {n.Count(i.Admitted.Mean)} people are admitted ({t.Interval90} {n.Interval(i.Admitted, "people")}), on average {n.Count(i.MeanOccupancy.Mean)} participants in {n.Count(i.MeanCapacity.Mean)} places." +
                    (i.WaitP90 is { } q90 ? $" Nine in ten of those admitted waited at most {n.Months(q90.Mean)}." : "")))}</p>\n");
                if (series is null) continue;
                _h.Append("<div class=\"grid\">\n");
                var bands = new List<Band>
                {
                    new(t.T("Deltagare", "Participants"), series.Occupancy.Cast<Stat?>().ToList(), Charts.Blue),
                    new(t.T("Platser", "Places"), series.Capacity.Cast<Stat?>().ToList(), Charts.Grey, Dashed: true, ShowBand: false),
                    new(t.T("I kö", "Waiting"), series.Queue.Cast<Stat?>().ToList(), Charts.Red),
                };
                Figure(Charts.Fan(t.T($"{i.Name}: platser, deltagare och kö", $"{i.Name}: places, participants and queue"), s.Run.MonthLabels, bands, t.T("Personer", "People"), "people", n, t),
                    t.T($"{i.Name}: platser, deltagare och personer i kö per månad.", $"{i.Name}: places, participants and people waiting per month.") + FanNote,
                    MonthColumns(bands.Select(x => x.Name)), MonthRows(bands, "people"), inGrid: true);
                var wait = new List<Band> { new(t.T("Väntetid", "Wait"), series.MeanWait, Charts.Orange) };
                Figure(Charts.Fan(t.T($"{i.Name}: väntetid för de som antas", $"{i.Name}: wait of those admitted"), s.Run.MonthLabels, wait, t.T("Månader", "Months"), "months", n, t),
                    t.T($"{i.Name}: genomsnittlig väntetid i månader för de som antas respektive månad (tom där ingen antas).", $"{i.Name}: mean wait in months of those admitted each month (blank where nobody is admitted).") + FanNote,
                    MonthColumns(wait.Select(x => x.Name)), MonthRows(wait, "months"), inGrid: true);
                _h.Append("</div>\n");
                if (i.ExitsByOccupation.Count > 0)
                    Table(t.T($"{i.Name}: vart deltagarna går efter insatsen", $"{i.Name}: where participants go after the insats"),
                        [t.T("Sysselsättning efter insatsen", "Occupation after the insats"), t.T("Antal", "Number"), t.Interval90],
                        i.ExitsByOccupation.OrderByDescending(e => e.Value.Mean).Select(e => new[] { e.Category, n.Count(e.Value.Mean), n.Interval(e.Value, "people") }));
            }
            _h.Append("</section>\n");
        }

        // ------------------------------------------------------------------ ledgers

        private void Ledgers()
        {
            _h.Append($"<section id=\"liggare\" aria-labelledby=\"liggare-h\">\n<h2 id=\"liggare-h\">{E(t.T("Parternas liggare", "The parties' ledgers"))}</h2>\n");
            _h.Append($"<p>{E(t.T(
                "Ersättningar som varje part betalar till de anvisade, månad för månad, med förbundets insatser (blått) och utan dem (orange, streckat). Bidragen betalas i årets första månad.",
                "Ersättning each party pays to the people referred, month by month, with the förbund's insatser (blue) and without them (orange, dashed). Contributions are paid in the first month of each year."))}</p>\n<div class=\"grid\">\n");
            foreach (var p in s.Parties)
            {
                var series = s.Monthly.Parties.FirstOrDefault(x => x.Id == p.Id);
                if (series is null || series.Paid.All(v => v.P95 <= 0) && series.CounterfactualPaid.All(v => v.P95 <= 0)) continue;
                var bands = new List<Band>
                {
                    new(t.T("Med insatser", "With insatser"), series.Paid.Cast<Stat?>().ToList(), Charts.Blue),
                    new(t.T("Utan insatser", "Without insatser"), series.CounterfactualPaid.Cast<Stat?>().ToList(), Charts.Orange, Dashed: true),
                };
                // Below a million a month the axis reads better in thousands.
                var small = series.Paid.Concat(series.CounterfactualPaid).Max(v => v.P95) < 1e6;
                var axis = small ? t.T("tkr per månad", "SEK thousand per month") : t.T("Mkr per månad", "SEK million per month");
                Figure(Charts.Fan(t.T($"{p.Name}: ersättningar per månad", $"{p.Name}: ersättning per month"), s.Run.MonthLabels, bands, axis, small ? "tkr" : "Mkr", n, t),
                    t.T($"{p.Name}: ersättningar per månad till de anvisade, med och utan förbundets insatser.", $"{p.Name}: ersättning per month to the people referred, with and without the förbund's insatser.") + FanNote,
                    MonthColumns(bands.Select(x => x.Name)), MonthRows(bands, "SEK"), inGrid: true);
            }
            _h.Append("</div>\n");
            var years = s.Monthly.Parties.Count == 0 ? [] : s.Run.MonthLabels.Select((m, k) => (Year: m[..4], k)).GroupBy(x => x.Year).ToList();
            if (years.Count > 0)
                Table(t.T("Bidrag per år (medelvärde)", "Contributions per year (mean)"),
                    [t.T("Part", "Party"), .. years.Select(y => y.Key)],
                    s.Monthly.Parties.Select(ps => new[] { s.Parties.FirstOrDefault(p => p.Id == ps.Id)?.Name ?? ps.Id }
                        .Concat(years.Select(y => n.Money(y.Sum(x => ps.Contribution[x.k].Mean)))).ToArray()));
            _h.Append("</section>\n");
        }

        // ------------------------------------------------------------------ recorded results

        private void Recorded()
        {
            if (s.Recorded is not { } rec) return;
            _h.Append($"<section id=\"utfall\" aria-labelledby=\"utfall-h\">\n<h2 id=\"utfall-h\">{E(t.T("Uppmätta resultat mot prognos", "Recorded results against the forecast"))}</h2>\n");
            var verdict = rec.Coverage >= 0.8
                ? t.T("Det är i linje med vad ett 90 % intervall ska klara.", "That is in line with what a 90% interval should achieve.")
                : t.T("Det är färre än ett 90 % intervall ska klara: modellen stämmer inte väl med det som uppmätts, och prognoserna bör läsas med försiktighet.",
                      "That is fewer than a 90% interval should achieve: the model does not match what was recorded well, and its forecasts should be read with care.");
            _h.Append($"<p class=\"lead\">{E(t.T(
                $"{rec.Inside} av {rec.Total} uppmätta värden ligger inom prognosens 90 % intervall. ",
                $"{rec.Inside} of {rec.Total} recorded values lie inside the forecast's 90% interval. "))}{E(verdict)}</p>\n");
            var singles = rec.Checks.Where(c => c.Categories is null && c.Forecast is not null && c.Observed is not null).ToList();
            _h.Append("<div class=\"grid\">\n");
            foreach (var c in singles)
            {
                var chart = Charts.Observed(c.Id, [QuantityName(c.Quantity)], [c.Forecast!], [c.Observed!.Value], t.T("Personer", "People"), "people", n, t);
                Figure(chart, t.T($"{c.Id} ({c.Insats}, {c.Period}): uppmätt {n.Count(c.Observed.Value)} mot prognos {n.Count(c.Forecast!.Mean)} ({n.Interval(c.Forecast, "people")}). Källa: {c.Source}",
                                  $"{c.Id} ({c.Insats}, {c.Period}): recorded {n.Count(c.Observed.Value)} against forecast {n.Count(c.Forecast!.Mean)} ({n.Interval(c.Forecast, "people")}). Source: {c.Source}"),
                    [t.T("Storhet", "Quantity"), t.T("Uppmätt", "Recorded"), t.T("Prognos", "Forecast"), t.Interval90, t.T("Inom intervallet", "Inside")],
                    [[QuantityName(c.Quantity), n.Count(c.Observed.Value), n.Count(c.Forecast.Mean), n.Interval(c.Forecast, "people"), YesNo(c.Inside)]], inGrid: true);
            }
            foreach (var c in rec.Checks.Where(c => c.Categories is { Count: > 0 }))
            {
                var cats = c.Categories!;
                var chart = Charts.Observed(c.Id, cats.Select(k => k.Category).ToList(), cats.Select(k => k.ForecastShare).ToList(), cats.Select(k => k.ObservedShare).ToList(),
                    t.T("Andel, %", "Share, %"), "share", n, t);
                Figure(chart, t.T($"{c.Id} ({QuantityName(c.Quantity)}, {c.Insats}, {c.Period}): fördelning, uppmätt mot prognos. Källa: {c.Source}",
                                  $"{c.Id} ({QuantityName(c.Quantity)}, {c.Insats}, {c.Period}): distribution, recorded against forecast. Source: {c.Source}"),
                    [t.T("Kategori", "Category"), t.T("Uppmätt andel", "Recorded share"), t.T("Prognos", "Forecast"), t.Interval90, t.T("Inom intervallet", "Inside")],
                    cats.Select(k => new[] { k.Category, n.Share(k.ObservedShare), n.Share(k.ForecastShare.Mean), n.Interval(k.ForecastShare, "share"), YesNo(k.Inside) }), inGrid: true);
            }
            _h.Append("</div>\n");
            var outside = rec.Checks.Where(c => !c.Inside).ToList();
            if (outside.Count > 0)
                _h.Append($"<p class=\"warning\">{E(t.T("Utanför intervallet", "Outside the interval"))}: {E(string.Join("; ", outside.Select(c => $"{c.Id} ({c.Source})")))}</p>\n");
            _h.Append("</section>\n");
        }

        private string QuantityName(string q) => q switch
        {
            "admitted" => t.T("Antagna", "Admitted"),
            "ended" => t.T("Avslutade", "Ended"),
            "unplanned" => t.T("Oplanerade avslut", "Unplanned exits"),
            "exit_occupation" => t.T("Sysselsättning efter insatsen", "Occupation after the insats"),
            "start_income" => t.T("Försörjning vid start", "Income support at start"),
            "start_occupation" => t.T("Sysselsättning vid start", "Occupation at start"),
            "queue" => t.T("Kö", "Queue"),
            "occupancy" => t.T("Beläggning", "Occupancy"),
            _ => q,
        };

        private string FanNote => t.T(" Linjen är medelvärdet, det skuggade fältet 90 % intervall.", " The line is the mean, the shaded band the 90% interval.");

        private string YesNo(bool b) => b ? t.T("ja", "yes") : t.T("nej", "no");

        // ------------------------------------------------------------------ about

        private void About()
        {
            _h.Append($"<section id=\"om\" aria-labelledby=\"om-h\">\n<h2 id=\"om-h\">{E(t.T("Om beräkningen", "About the calculation"))}</h2>\n<ul>\n");
            string[] items = t.Language == ReportLanguage.Sv
                ?
                [
                    "Varje månad anvisar parterna nya personer, insatserna tar in så många som platserna räcker till, deltagarna avslutar mot arbete, studier eller annat, och de som inte deltar i någon insats byter ersättning i den takt som scenariot anger.",
                    "”Utan förbundets insatser” är samma personer, anvisade samma månader, som aldrig möter förbundets insatser. Skillnaden mellan de två är effekten.",
                    "Osäkra antaganden (till exempel hur många som anvisas eller hur stor andel som går till arbete) anges som fördelningar. Varje beräkning drar egna värden, så intervallen visar både slump och det vi inte vet.",
                    "Kostnader är i kronor för respektive år utan uppräkning. Ersättningar räknas som antal personer × månader × månadsbelopp för ersättningen.",
                    $"Alla siffror finns i result.json och CSV-filerna i samma mapp. Samma scenario och slumpfrö ({s.Run.Seed}) ger alltid samma siffror.",
                ]
                :
                [
                    "Each month the parties refer new people, the insatser take in as many as their places allow, participants leave for work, studies or other things, and those outside any insats change income support at the rates the scenario states.",
                    "“Without the förbund's insatser” means the same people, referred in the same months, never meeting the förbund's insatser. The difference between the two is the effect.",
                    "Uncertain assumptions (how many are referred, what share go on to work) are given as distributions. Each calculation draws its own values, so the intervals show both chance and what we do not know.",
                    "Costs are in each year's kronor, not adjusted. Ersättning is counted as people × months × the monthly amount of each kind.",
                    $"Every figure is in result.json and the CSV files in the same folder. The same scenario and seed ({s.Run.Seed}) always give the same figures.",
                ];
            foreach (var item in items) _h.Append($"<li>{E(item)}</li>\n");
            _h.Append("</ul>\n</section>\n");
        }

        // ------------------------------------------------------------------ building blocks

        private string[] MonthColumns(IEnumerable<string> names) =>
            [t.T("Månad", "Month"), .. names.SelectMany(x => new[] { $"{x}: {t.T("medel", "mean")}", $"{x}: {t.Interval90}" })];

        private IEnumerable<string[]> MonthRows(IReadOnlyList<Band> bands, string unit) =>
            s.Run.MonthLabels.Select((m, k) => new[] { m }.Concat(bands.SelectMany(b =>
                k < b.Values.Count && b.Values[k] is { } v ? new[] { n.Value(v.Mean, unit), n.Interval(v, unit) } : ["–", "–"])).ToArray());

        private void Figure(string svg, string caption, string[] columns, IEnumerable<string[]> rows, bool inGrid = false)
        {
            var id = $"fig{++_figure}";
            _h.Append($"<figure id=\"{id}\"{(inGrid ? " class=\"cell\"" : "")}>\n");
            _h.Append(ReportBuilder.Html.UniqueIds(svg, id).Replace("<svg role=\"img\"", $"<svg role=\"img\" aria-describedby=\"{id}-cap\"", StringComparison.Ordinal)).Append('\n');
            _h.Append($"<figcaption id=\"{id}-cap\">{E(caption)}</figcaption>\n");
            _h.Append($"<details><summary>{E(t.T("Visa siffrorna som tabell", "Show the numbers as a table"))}</summary>\n");
            TableBody(null, columns, rows);
            _h.Append("</details>\n</figure>\n");
        }

        private void Table(string caption, string[] columns, IEnumerable<string[]> rows) => TableBody(caption, columns, rows);

        private void TableBody(string? caption, string[] columns, IEnumerable<string[]> rows)
        {
            _h.Append("<div class=\"table\"><table>");
            if (caption is not null) _h.Append($"<caption>{E(caption)}</caption>");
            _h.Append("<thead><tr>");
            foreach (var c in columns) _h.Append($"<th scope=\"col\">{E(c)}</th>");
            _h.Append("</tr></thead><tbody>\n");
            foreach (var row in rows)
            {
                _h.Append("<tr>");
                for (var k = 0; k < row.Length; k++)
                    _h.Append(k == 0 ? $"<th scope=\"row\">{E(row[k])}</th>" : $"<td>{E(row[k])}</td>");
                _h.Append("</tr>\n");
            }
            _h.Append("</tbody></table></div>\n");
        }
    }

    /// <summary>HTML helpers: escaping that keeps å, ä and ö readable, and ids that stay unique when SVGs are inlined together.</summary>
    internal static partial class Html
    {
        public static string Encode(string? text)
        {
            if (string.IsNullOrEmpty(text)) return "";
            var sb = new StringBuilder(text.Length + 16);
            foreach (var c in text)
                sb.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '"' => "&quot;", '\'' => "&#39;", _ => c.ToString() });
            return sb.ToString();
        }

        /// <summary>
        /// Renames every id in an SVG (Skia numbers its clip paths from a process-wide counter) to prefix-1, prefix-2 … in order
        /// of appearance, with the references to them: ids are unique in the page and the same chart always gets the same text.
        /// </summary>
        public static string UniqueIds(string svg, string prefix)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match m in Id().Matches(svg))
                if (!map.ContainsKey(m.Groups[1].Value)) map[m.Groups[1].Value] = $"{prefix}-{map.Count + 1}";
            if (map.Count == 0) return svg;
            svg = Id().Replace(svg, m => $"id=\"{map[m.Groups[1].Value]}\"");
            return Reference().Replace(svg, m => map.TryGetValue(m.Groups[2].Value, out var to) ? $"{m.Groups[1].Value}#{to}" : m.Value);
        }

        [GeneratedRegex(@"\bid=""([^""]+)""")]
        private static partial Regex Id();

        [GeneratedRegex(@"(url\(|href="")#([^)""]+)")]
        private static partial Regex Reference();
    }

    private const string Css = """

        :root { --ink: #1a1a1a; --muted: #555; --line: #d8d8d8; --accent: #1f5fa8; --bg: #fafafa; }
        * { box-sizing: border-box; }
        body { margin: 0; font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: var(--ink); background: #fff; line-height: 1.5; }
        header, main, footer, nav { max-width: 1180px; margin: 0 auto; padding: 0 1.25rem; }
        header { padding-top: 1.5rem; }
        h1 { font-size: 1.8rem; margin: .2rem 0 .5rem; }
        h2 { font-size: 1.4rem; margin: 2.2rem 0 .6rem; padding-top: .6rem; border-top: 2px solid var(--line); }
        h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
        .kicker { color: var(--muted); margin: 0; text-transform: uppercase; letter-spacing: .06em; font-size: .8rem; }
        .variant { margin: 0; }
        .lead { font-size: 1.05rem; max-width: 60rem; }
        nav ol { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; list-style: none; padding: .6rem 0; margin: 0; border-bottom: 1px solid var(--line); }
        a { color: var(--accent); }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 1rem; margin: 1rem 0; }
        .card { border: 1px solid var(--line); border-left: 5px solid var(--accent); border-radius: 4px; padding: .8rem 1rem; background: var(--bg); }
        .card p { margin: .2rem 0; }
        .card .label { font-weight: bold; }
        .card .value { font-size: 1.9rem; font-weight: bold; color: var(--accent); }
        .card .interval { color: var(--muted); font-size: .9rem; }
        ul.parties li { margin: .3rem 0; }
        .note { color: var(--muted); font-size: .9rem; max-width: 60rem; }
        .warning { color: #8a1c1c; font-weight: bold; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1rem; }
        figure { margin: 1rem 0; }
        figure svg { width: 100%; height: auto; max-width: 560px; display: block; }
        figcaption { font-size: .9rem; color: var(--muted); }
        details { font-size: .85rem; margin-top: .3rem; }
        summary { cursor: pointer; color: var(--accent); }
        .table { overflow-x: auto; margin: .8rem 0; }
        table { border-collapse: collapse; font-size: .9rem; }
        caption { text-align: left; font-weight: bold; padding: .3rem 0; }
        th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: right; white-space: nowrap; }
        th[scope=row], thead th { white-space: normal; }
        th[scope=row], thead th:first-child { text-align: left; }
        thead th { background: var(--bg); }
        footer { color: var(--muted); font-size: .85rem; padding: 2rem 1.25rem; }
        @media print { nav, details { display: none; } h2 { break-before: page; } .card { break-inside: avoid; } }

        """;
}
