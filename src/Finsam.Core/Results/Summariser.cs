using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Results;

/// <summary>Turns the replicates of a run into forecasts with intervals, and compares them with recorded results.</summary>
public static class Summariser
{
    public static RunSummary Summarise(RunResult run)
    {
        var s = run.Scenario;
        var ix = run.Index;
        var reps = run.Replicates;
        int months = s.Months, nI = ix.Individual.Length, nS = ix.Incomes.Length;
        int nP = ix.Parties.Length, nPay = ix.Payers.Length, nL = ix.Lines.Length;
        var last = months - 1;

        var info = new RunInfo(s.Name, s.File, s.Variant, s.Seed, reps.Count, s.Start.ToString(), s.End.ToString(), months,
            "mean and 90 % interval (P5–P95) over replicates",
            Enumerable.Range(0, months).Select(m => s.Start.AddMonths(m).ToString()).ToList(), s.Overlay);

        var figures = reps.Select(Headline).ToList();
        var headline = HeadlineDefinitions.Select(d => new Figure(d.Key, d.Label, d.Unit,
            Stat.Of(figures.Select(f => f[d.Key] ?? double.NaN)))).ToList();

        var atHorizon = Enumerable.Range(0, nS).Select(st => new StateFigure(ix.Incomes[st], s.IncomeStates[st].Payer,
            Of(reps, r => r.Income[last * nS + st]), Of(reps, r => r.CounterfactualIncome[last * nS + st]))).ToList();

        var insatser = Enumerable.Range(0, nI).Select(i => SummariseInsats(ix, reps, i)).ToList();

        var parties = Enumerable.Range(0, nP).Select(p =>
        {
            var party = ix.Parties[p];
            double Sum(ReplicateResult r, double[] a) => Enumerable.Range(0, months).Sum(m => a[m * nP + p]);
            return new PartySummary(party.Id, party.Name, party.Kind.ToString(),
                Of(reps, r => Sum(r, r.PartyContribution)), Of(reps, r => Sum(r, r.PartyInKind)),
                Of(reps, r => Sum(r, r.PartyPaid)), Of(reps, r => Sum(r, r.PartyCounterfactualPaid)),
                Of(reps, r => Sum(r, r.PartyPaid) - Sum(r, r.PartyCounterfactualPaid)),
                Of(reps, r => Sum(r, r.PartyContribution) + Sum(r, r.PartyInKind) + Sum(r, r.PartyPaid) - Sum(r, r.PartyCounterfactualPaid)));
        }).ToList();

        var payers = Enumerable.Range(0, nPay).Select(k =>
        {
            double Sum(double[] a) => Enumerable.Range(0, months).Sum(m => a[m * nPay + k]);
            return new PayerSummary(ix.Payers[k], s.Payers[k].Name, Of(reps, r => Sum(r.PayerPaid)), Of(reps, r => Sum(r.PayerCounterfactualPaid)),
                Of(reps, r => Sum(r.PayerPaid) - Sum(r.PayerCounterfactualPaid)));
        }).ToList();

        var lines = Enumerable.Range(0, nL).Select(l => new LineSummary(ix.Lines[l], s.Budget.Lines[l].Name,
            Of(reps, r => Enumerable.Range(0, months).Sum(m => r.LineSpend[m * nL + l])))).ToList();

        var monthly = new MonthlySeries(
            Enumerable.Range(0, nS).Select(st => new NamedSeries(ix.Incomes[st], Series(reps, months, (r, m) => r.Income[m * nS + st]))).ToList(),
            Enumerable.Range(0, nS).Select(st => new NamedSeries(ix.Incomes[st], Series(reps, months, (r, m) => r.CounterfactualIncome[m * nS + st]))).ToList(),
            Enumerable.Range(0, nI).Select(i => new InsatsSeries(ix.Individual[i].Id,
                Series(reps, months, (r, m) => r.Capacity[m * nI + i]),
                Series(reps, months, (r, m) => r.Occupancy[m * nI + i]),
                Series(reps, months, (r, m) => r.Queue[m * nI + i]),
                Series(reps, months, (r, m) => r.Admitted[m * nI + i]),
                Series(reps, months, (r, m) => r.Planned[m * nI + i] + r.Dropouts[m * nI + i]),
                Enumerable.Range(0, months).Select(m => Stat.Of(reps.Select(r =>
                    r.Admitted[m * nI + i] == 0 ? double.NaN : r.WaitSum[m * nI + i] / (double)r.Admitted[m * nI + i]))).ToList())).ToList(),
            Enumerable.Range(0, nP).Select(p => new PartySeries(ix.Parties[p].Id,
                Series(reps, months, (r, m) => r.PartyContribution[m * nP + p]),
                Series(reps, months, (r, m) => r.PartyPaid[m * nP + p]),
                Series(reps, months, (r, m) => r.PartyCounterfactualPaid[m * nP + p]))).ToList());

        var recorded = s.Recorded.Count == 0 ? null : CompareRecorded(run);
        var perReplicate = figures.Select((f, k) => new ReplicateFigures(reps[k].Replicate, f, PartyTotals(ix, reps[k]))).ToList();
        // The board's pass (socio-economic account, sensitivity) reads the replicates separately: Analysis/BoardAnalysis.cs.
        return Analysis.BoardAnalysis.Attach(new RunSummary(info, headline, atHorizon, insatser, parties, payers, lines, monthly, recorded, perReplicate), run);
    }

    public static readonly IReadOnlyList<(string Key, string Label, string Unit)> HeadlineDefinitions =
    [
        ("referred", "People referred", "people"),
        ("served", "People served (admitted to an insats)", "people"),
        ("work_or_studies", "Served people who left for work or studies", "people"),
        ("self_sufficient_12m", "Self-sufficient 12 months after referral", "share"),
        ("self_sufficient_12m_counterfactual", "… without the förbund's insatser", "share"),
        ("self_sufficient_12m_effect", "Effect on self-sufficiency at 12 months", "percentage points"),
        ("mean_wait_months", "Mean wait for admission", "months"),
        ("spend", "Förbund spending on insatser", "SEK"),
        ("cost_per_participant", "Cost per participant served", "SEK"),
        ("cost_per_self_sufficient", "Cost per person self-sufficient at 12 months", "SEK"),
        ("ersattning_paid", "Ersättning paid for the referred people", "SEK"),
        ("ersattning_counterfactual", "… without the förbund's insatser", "SEK"),
        ("ersattning_difference", "Ersättning difference (negative = saved)", "SEK"),
    ];

    /// <summary>The headline figures of one replicate (null where a figure has no denominator).</summary>
    public static Dictionary<string, double?> Headline(ReplicateResult r)
    {
        var admitted = r.Admitted.Sum();
        var spend = r.TotalSpend;
        double? Share(int n, int d) => d == 0 ? null : n / (double)d;
        var ss = Share(r.SelfSufficient12, r.Due12);
        var cfss = Share(r.CounterfactualSelfSufficient12, r.Due12);
        var paid = r.PayerPaid.Sum();
        var cfPaid = r.PayerCounterfactualPaid.Sum();
        return new Dictionary<string, double?>
        {
            ["referred"] = r.Referrals,
            ["served"] = r.Served,
            ["work_or_studies"] = r.WorkOrStudies,
            ["self_sufficient_12m"] = ss,
            ["self_sufficient_12m_counterfactual"] = cfss,
            ["self_sufficient_12m_effect"] = ss - cfss is { } e ? e * 100 : null,
            ["mean_wait_months"] = admitted == 0 ? null : r.WaitSum.Sum() / (double)admitted,
            ["spend"] = spend,
            ["cost_per_participant"] = r.Served == 0 ? null : spend / r.Served,
            ["cost_per_self_sufficient"] = r.SelfSufficient12 == 0 ? null : spend / r.SelfSufficient12,
            ["ersattning_paid"] = paid,
            ["ersattning_counterfactual"] = cfPaid,
            ["ersattning_difference"] = paid - cfPaid,
        };
    }

    /// <summary>Each party's totals in one replicate, in party order; rounded like every other money figure.</summary>
    public static IReadOnlyList<PartyFigures> PartyTotals(ScenarioIndex ix, ReplicateResult r)
    {
        var nP = ix.Parties.Length;
        var list = new List<PartyFigures>(nP);
        for (var p = 0; p < nP; p++)
        {
            double contribution = 0, inKind = 0, paid = 0, cf = 0;
            for (var m = 0; m < r.Months; m++)
            {
                contribution += r.PartyContribution[m * nP + p];
                inKind += r.PartyInKind[m * nP + p];
                paid += r.PartyPaid[m * nP + p];
                cf += r.PartyCounterfactualPaid[m * nP + p];
            }
            list.Add(new PartyFigures(ix.Parties[p].Id, Stat.Round(contribution), Stat.Round(inKind), Stat.Round(paid), Stat.Round(cf),
                Stat.Round(contribution + inKind + paid - cf)));
        }
        return list;
    }

    private static InsatsSummary SummariseInsats(ScenarioIndex ix, IReadOnlyList<ReplicateResult> reps, int i)
    {
        var ins = ix.Individual[i];
        var months = ix.Months;
        int nI = ix.Individual.Length, nO = ix.Occupations.Length, nK = ix.Structural.Length;
        double Total(ReplicateResult r, int[] a) => Enumerable.Range(0, months).Sum(m => a[m * nI + i]);
        double? WaitQuantile(ReplicateResult r, double q)
        {
            var hist = Enumerable.Range(0, months + 1).Select(w => r.WaitHistogram[i * (months + 1) + w]).ToArray();
            var n = hist.Sum();
            if (n == 0) return null;
            var target = q * n;
            var acc = 0;
            for (var w = 0; w < hist.Length; w++) { acc += hist[w]; if (acc >= target) return w; }
            return months;
        }
        return new InsatsSummary(ins.Id, ins.Name,
            Of(reps, r => Total(r, r.Referred)), Of(reps, r => Total(r, r.Ineligible)), Of(reps, r => Total(r, r.Admitted)),
            Of(reps, r => Total(r, r.Planned) + Total(r, r.Dropouts)), Of(reps, r => Total(r, r.Planned)),
            Of(reps, r => Total(r, r.Dropouts)), Of(reps, r => Total(r, r.Chained)),
            Of(reps, r => Total(r, r.GaveUp)), Of(reps, r => Total(r, r.Closed)),
            Of(reps, r => Total(r, r.Capacity) / months), Of(reps, r => Total(r, r.Occupancy) / months),
            Of(reps, r => r.Queue[(months - 1) * nI + i]),
            Stat.Of(reps.Select(r => Total(r, r.Admitted) is var a && a > 0 ? Enumerable.Range(0, months).Sum(m => r.WaitSum[m * nI + i]) / a : double.NaN)),
            Stat.Of(reps.Select(r => WaitQuantile(r, 0.5) ?? double.NaN)),
            Stat.Of(reps.Select(r => WaitQuantile(r, 0.9) ?? double.NaN)),
            Of(reps, r => Enumerable.Range(0, months).Sum(m => r.InsatsSpend[m * (nI + nK) + i])),
            Enumerable.Range(0, nO).Select(o => new CategoryStat(ix.Occupations[o],
                Of(reps, r => Enumerable.Range(0, months).Sum(m => r.ExitOccupation[(m * nI + i) * nO + o]))))
                .Where(c => c.Value.P95 > 0 || c.Value.Mean > 0).ToList());
    }

    private static Stat Of(IReadOnlyList<ReplicateResult> reps, Func<ReplicateResult, double> f) => Stat.Of(reps.Select(f)) ?? Stat.Zero;

    private static List<Stat> Series(IReadOnlyList<ReplicateResult> reps, int months, Func<ReplicateResult, int, double> f) =>
        Enumerable.Range(0, months).Select(m => Stat.Of(reps.Select(r => f(r, m))) ?? Stat.Zero).ToList();

    // ------------------------------------------------------------------ recorded results

    /// <summary>The forecast of a recorded quantity in one replicate: a single value or counts per category.</summary>
    public static double[] Forecast(RecordedResult rec, ScenarioIndex ix, ReplicateResult r) => new RecordedForecast(rec, ix).Of(r);

    public static string QuantityName(RecordedQuantity q) => Keyword.Quantities.NameOf(q);

    public static RecordedSummary CompareRecorded(RunResult run) => RecordedComparison.Compare(run.Scenario, run.Index, run.Replicates);
}
