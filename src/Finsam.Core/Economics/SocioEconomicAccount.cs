using Finsam.Core.Results;
using Finsam.Core.Simulation;

namespace Finsam.Core.Economics;

/// <summary>
/// The socio-economic account of a run: per sector, what the changed situations of the referred people are worth
/// against the counterfactual, discounted, within the horizon and with the follow-up years, the förbund's cost
/// carried by each sector, the payback time and the cost per person reaching work or studies. Mean and 90 %
/// interval over replicates; <see cref="Replicates"/> keeps each replicate's figures for paired comparisons and
/// the sensitivity analysis.
/// </summary>
public sealed record SocioEconomicAccount(
    string Catalog, string CatalogFile, int PriceYear, double DiscountRate, int HorizonMonths, int FollowUpYears,
    IReadOnlyList<SectorAccount> Sectors,
    Stat Production, Stat ProductionFollowUp, Stat ForbundSpend,
    double PaybackShare, Stat? PaybackMonths, Stat? CostPerWorkOrStudies,
    IReadOnlyList<string> Assumptions,
    IReadOnlyList<ValuedItem> Valuations,
    IReadOnlyList<ReplicateFigures> Replicates);

/// <summary>
/// One sector: the discounted value of the changed situations within the horizon (gain), its share of the förbund's
/// cost, the net within the horizon, and the net when the follow-up years are added.
/// </summary>
public sealed record SectorAccount(string Sector, Stat Gain, Stat Cost, Stat Net, Stat NetFollowUp);

/// <summary>A valued number as the report lists it: what, the distribution, its source and price year, and why.</summary>
public sealed record ValuedItem(string Name, string Value, string Source, int Year, string Assumption);

/// <summary>Builds the account: one small pass per replicate (<see cref="ForReplicate"/>), then a summary over them.</summary>
public static class SocioEconomics
{
    public const string Society = "society";

    /// <summary>Sector keys in the order they are shown: the four sectors, then society as a whole.</summary>
    public static readonly IReadOnlyList<string> SectorKeys = [.. SectorNames.All.Select(SectorNames.Key), Society];

    /// <summary>The account's per-replicate figure keys with label and unit, in the order shown.</summary>
    public static IReadOnlyList<(string Key, string Label, string Unit)> FigureDefinitions { get; } = BuildDefinitions();

    private static List<(string, string, string)> BuildDefinitions()
    {
        var list = new List<(string, string, string)>();
        foreach (var s in SectorKeys)
        {
            list.Add(($"{s}_net", $"Net for {SectorLabel(s)} within the horizon (discounted)", "SEK"));
            list.Add(($"{s}_net_follow_up", $"Net for {SectorLabel(s)} with the follow-up years (discounted)", "SEK"));
        }
        list.Add(("forbund_spend", "Förbund spending and staff in kind", "SEK"));
        list.Add(("payback_months", "Payback time for society", "months"));
        list.Add(("cost_per_work_or_studies", "Cost per person reaching work or studies", "SEK"));
        return list;
    }

    /// <summary>The summary statistic of an account figure by its key (as in <see cref="FigureDefinitions"/>).</summary>
    public static Stat? StatOf(SocioEconomicAccount e, string key)
    {
        foreach (var x in e.Sectors)
        {
            if (key == $"{x.Sector}_net") return x.Net;
            if (key == $"{x.Sector}_net_follow_up") return x.NetFollowUp;
        }
        return key switch
        {
            "forbund_spend" => e.ForbundSpend,
            "payback_months" => e.PaybackMonths,
            "cost_per_work_or_studies" => e.CostPerWorkOrStudies,
            _ => null,
        };
    }

    public static string SectorLabel(string key) => key switch
    {
        "stat" => "the state (incl. FK and AF)", "region" => "the region", "kommun" => "the kommun",
        "individual" => "the individual", _ => "society as a whole",
    };

    /// <summary>
    /// Each sector's money per person-month in each income state, for one replicate's drawn values:
    /// [state][sector] with sectors in <see cref="SectorNames.All"/> order, plus the production value per state.
    /// Sectors sum to production minus real resources used, so society nets out transfers and taxes.
    /// </summary>
    public static (double[][] Flows, double[] Production) PersonMonth(ScenarioIndex ix, EconomicsSettings e, int replicate)
    {
        var s = ix.Scenario;
        var cat = e.Catalog;
        double D(Valued v) => ParamDraws.Value(s.Seed, replicate, v.Value);
        double fee = D(cat.EmployerFee), kt = D(cat.KommunTax), rt = D(cat.RegionTax), st = D(cat.StateTax);
        var n = ix.Incomes.Length;
        var flows = new double[n][];
        var production = new double[n];
        for (var k = 0; k < n; k++)
        {
            var f = flows[k] = new double[SectorNames.All.Count];
            var state = s.IncomeStates[k];
            var v = cat.IncomeStates.FirstOrDefault(x => x.Id == state.Id);
            if (v?.Wage is { } wage)
            {
                var w = D(wage);
                production[k] = w * (1 + fee);
                f[(int)Sector.Individual] += w * (1 - kt - rt - st);
                f[(int)Sector.Kommun] += w * kt;
                f[(int)Sector.Region] += w * rt;
                f[(int)Sector.Stat] += w * (fee + st);
            }
            // The ersättning, drawn as the engine drew it, moves from its payer to the individual (taxed if taxable).
            var t = ParamDraws.Value(s.Seed, replicate, state.MonthlyCost);
            if (t != 0)
            {
                var payer = ix.IncomePayer[k] >= 0 ? s.Payers[ix.IncomePayer[k]].PartyKind : null;
                var taxable = v?.Taxable == true;
                f[(int)SectorNames.Of(payer)] -= t;
                f[(int)Sector.Individual] += taxable ? t * (1 - kt - rt) : t;
                if (taxable)
                {
                    f[(int)Sector.Kommun] += t * kt;
                    f[(int)Sector.Region] += t * rt;
                }
            }
            foreach (var r in v?.Resources ?? []) f[(int)r.Sector] -= D(r.Monthly);
            if (state.Occupation is { } occ && cat.Occupations.FirstOrDefault(o => o.Id == occ) is { } ov)
                foreach (var r in ov.Resources) f[(int)r.Sector] -= D(r.Monthly);
        }
        return (flows, production);
    }

    /// <summary>Discount factor of a month counted from the horizon's start, at a yearly rate.</summary>
    public static double Discount(double yearlyRate, int month) => Math.Pow(1 + yearlyRate, -month / 12.0);

    /// <summary>
    /// Months until the cumulative net turns and stays non-negative: the number of months up to and including the
    /// first month after its last negative value. 0 when it never was negative; null when it is still negative at the end.
    /// </summary>
    public static int? PaybackMonths(IReadOnlyList<double> monthlyNet)
    {
        var cumulative = 0.0;
        var lastNegative = -1;
        for (var m = 0; m < monthlyNet.Count; m++)
        {
            cumulative += monthlyNet[m];
            if (cumulative < 0) lastNegative = m;
        }
        if (cumulative < 0) return null;
        return lastNegative < 0 ? 0 : lastNegative + 2;
    }

    /// <summary>
    /// The keys of one replicate's account figures, in the order they are written: per sector and society its
    /// gain, cost, net and net with the follow-up years, then production, spending, payback and cost per exit to work.
    /// </summary>
    public static IReadOnlyList<string> ReplicateKeys { get; } =
    [
        .. SectorKeys.SelectMany(s => new[] { $"{s}_gain", $"{s}_cost", $"{s}_net", $"{s}_net_follow_up" }),
        "production", "production_follow_up", "forbund_spend", "payback_months", "cost_per_work_or_studies",
    ];

    /// <summary>One replicate's account figures (keys as in <see cref="FigureDefinitions"/> plus gains, costs and production).</summary>
    public static ReplicateFigures ForReplicate(ScenarioIndex ix, EconomicsSettings e, ReplicateLedger r)
    {
        var values = new double[ReplicateKeys.Count];
        ForReplicate(ix, e, r, values);
        var figures = new Dictionary<string, double?>(values.Length, StringComparer.Ordinal);
        for (var k = 0; k < values.Length; k++) figures[ReplicateKeys[k]] = double.IsNaN(values[k]) ? null : values[k];
        return new ReplicateFigures(r.Replicate, figures);
    }

    /// <summary>One replicate's account figures into <paramref name="into"/>, in <see cref="ReplicateKeys"/> order (NaN: no value).</summary>
    public static void ForReplicate(ScenarioIndex ix, EconomicsSettings e, ReplicateLedger r, Span<double> into)
    {
        var (flows, production) = PersonMonth(ix, e, r.Replicate);
        int months = r.Months, nS = r.Incomes, nSec = SectorNames.All.Count;
        var followUp = 12 * e.FollowUpYears;

        // Who carries the förbund's spending: each sector by its share of the contributions (staff in kind by the lender).
        var contribution = new double[nSec];
        for (var p = 0; p < r.Parties; p++)
            for (var m = 0; m < months; m++) contribution[(int)SectorNames.Of(ix.Parties[p].Kind)] += r.Contribution(m, p);
        var totalContribution = contribution.Sum();

        var gain = new double[nSec];
        var cost = new double[nSec];
        var gainAfter = new double[nSec];
        double prod = 0, prodAfter = 0, spendTotal = 0;
        var societyMonthly = new List<double>(months + followUp);
        var lastDelta = new double[nS];
        for (var m = 0; m < months; m++)
        {
            var d = Discount(e.DiscountRate, m);
            var society = 0.0;
            for (var k = 0; k < nS; k++)
            {
                var delta = r.People(m, k) - r.CounterfactualPeople(m, k);
                if (m == months - 1) lastDelta[k] = delta;
                if (delta == 0) continue;
                prod += d * delta * production[k];
                for (var sec = 0; sec < nSec; sec++)
                {
                    gain[sec] += d * delta * flows[k][sec];
                    society += delta * flows[k][sec];
                }
            }
            var spend = r.Spend(m);
            var inKind = 0.0;
            for (var p = 0; p < r.Parties; p++)
            {
                var lent = r.InKind(m, p);
                inKind += lent;
                cost[(int)SectorNames.Of(ix.Parties[p].Kind)] += d * lent;
            }
            for (var sec = 0; sec < nSec; sec++)
                cost[sec] += d * spend * (totalContribution > 0 ? contribution[sec] / totalContribution : 1.0 / nSec);
            spendTotal += spend + inKind;
            societyMonthly.Add(d * (society - spend - inKind));
        }
        // Follow-up: everyone keeps their horizon-end state (an assumption), valued the same way.
        for (var m = months; m < months + followUp; m++)
        {
            var d = Discount(e.DiscountRate, m);
            var society = 0.0;
            for (var k = 0; k < nS; k++)
            {
                if (lastDelta[k] == 0) continue;
                prodAfter += d * lastDelta[k] * production[k];
                for (var sec = 0; sec < nSec; sec++)
                {
                    gainAfter[sec] += d * lastDelta[k] * flows[k][sec];
                    society += lastDelta[k] * flows[k][sec];
                }
            }
            societyMonthly.Add(d * society);
        }

        var at = 0;
        void Put(Span<double> into, double g, double c, double after)
        {
            into[at++] = Stat.Round(g);
            into[at++] = Stat.Round(c);
            into[at++] = Stat.Round(g - c);
            into[at++] = Stat.Round(g + after - c);
        }
        for (var sec = 0; sec < nSec; sec++) Put(into, gain[sec], cost[sec], gainAfter[sec]);
        Put(into, gain.Sum(), cost.Sum(), gainAfter.Sum());
        into[at++] = Stat.Round(prod);
        into[at++] = Stat.Round(prod + prodAfter);
        into[at++] = Stat.Round(spendTotal);
        into[at++] = PaybackMonths(societyMonthly) ?? double.NaN;
        into[at] = r.WorkOrStudies == 0 ? double.NaN : Stat.Round(spendTotal / r.WorkOrStudies);
    }

    /// <summary>The account of a run, or null when its scenario has no <c>economics:</c> section.</summary>
    public static SocioEconomicAccount? Of(RunResult run)
    {
        if (run.Scenario.Economics is not { } e) return null;
        var reps = run.Replicates.Select(r => ForReplicate(run.Index, e, new ReplicateLedger(r))).ToList();
        return Summarise(run.Index, e, reps);
    }

    public static SocioEconomicAccount Summarise(ScenarioIndex ix, EconomicsSettings e, IReadOnlyList<ReplicateFigures> reps)
    {
        var paid = reps.Count(r => r.Figures.GetValueOrDefault("payback_months") is not null);
        return Summarise(ix, e, key => Stat.Of(reps.Select(r => r.Figures.GetValueOrDefault(key) ?? double.NaN)), paid, reps);
    }

    /// <summary>
    /// The account from each figure's statistic over replicates (<paramref name="statOf"/>, by key), the number of replicates
    /// that pay back, and the per-replicate figures themselves (kept for paired comparisons; may be a <see cref="ReplicateTable"/>).
    /// </summary>
    public static SocioEconomicAccount Summarise(ScenarioIndex ix, EconomicsSettings e, Func<string, Stat?> statOf, int paid, IReadOnlyList<ReplicateFigures> reps)
    {
        Stat Of(string key) => statOf(key) ?? Stat.Zero;
        var sectors = SectorKeys.Select(s => new SectorAccount(s, Of($"{s}_gain"), Of($"{s}_cost"), Of($"{s}_net"), Of($"{s}_net_follow_up"))).ToList();
        var cat = e.Catalog;
        string[] assumptions =
        [
            $"Every value is an assumption from the valuation catalog {cat.File} ({cat.Name}, {cat.PriceYear} prices), drawn per replicate where it has a range.",
            "The ersättning per income state and its payer come from the scenario's catalog, drawn exactly as the engine drew them.",
            $"After the horizon everyone keeps their horizon-end state for {e.FollowUpYears} years, with and without the förbund.",
            $"Amounts are discounted at {EconomicsReader.Percent(e.DiscountRate)} a year to the horizon's start.",
            "Occupations are valued through each income state's usual occupation: the engine follows no counterfactual occupation.",
            "The förbund's spending is carried by each sector in proportion to its contributions; staff lent in kind by the lending party.",
            "Society as a whole is the sum of the sectors: transfers and taxes cancel, production and real resource use remain.",
        ];
        return new SocioEconomicAccount(cat.Name, cat.File, cat.PriceYear, e.DiscountRate, ix.Months, e.FollowUpYears, sectors,
            Of("production"), Of("production_follow_up"), Of("forbund_spend"),
            reps.Count == 0 ? 0 : Stat.Round(paid / (double)reps.Count),
            statOf("payback_months"),
            statOf("cost_per_work_or_studies"),
            assumptions,
            cat.All().Select(v => new ValuedItem(v.Name, v.Value.Value.ToString(), v.Value.Source, v.Value.Year, v.Value.Assumption)).ToList(),
            reps);
    }
}
