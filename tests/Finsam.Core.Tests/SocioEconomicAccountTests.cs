using Finsam.Core.Analysis;
using Finsam.Core.Economics;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Tests;

/// <summary>
/// The socio-economic account on numbers a reader can check by hand. Valuation (all fixed): employer fee 30 %,
/// kommun tax 20 %, region tax 10 %, state tax 0; a wage of 20 000 a month in work; sjukpenning 15 000 a month
/// (the tiny scenario's catalog, paid by FK), taxable, with health care 1 000 (region) and FK handling 500 (state).
/// </summary>
public class SocioEconomicAccountTests
{
    private const string Valuation = """
        finsam_valuation: 1
        name: Test
        price_year: 2020
        sources: [ { id: s, title: Test, address: none, read: 2026-12-02 } ]
        rates:
          employer_fee: { value: 0.3, source: s, assumption: test }
          kommun_tax: { value: 0.2, source: s, assumption: test }
          region_tax: { value: 0.1, source: s, assumption: test }
          state_tax: { value: 0, source: s, assumption: test }
        income_states:
          - id: Arbete
            wage: { monthly: 20000, source: s, assumption: test }
          - id: Sjukpenning
            taxable: true
            resources:
              - { item: health care, sector: region, monthly: 1000, source: s, assumption: test }
              - { item: FK handling, sector: stat, monthly: 500, source: s, assumption: test }
        """;

    private static Scenario Load(double rate, int followUpYears, string valuation = Valuation)
    {
        var tiny = new TinyScenario { Extra = $"economics: {{ valuation: v.yaml, follow_up_years: {followUpYears}, discount_rate: {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)} }}" };
        return ScenarioLoader.Load(ScenarioSource.FromText("tiny.yaml", tiny.Yaml(), new Dictionary<string, string> { ["v.yaml"] = valuation }));
    }

    /// <summary>One person in work with the förbund and on sjukpenning without it, for <paramref name="months"/> months.</summary>
    private static ReplicateResult OneMoved(Scenario s, int months, double spendInMonth0 = 0)
    {
        var ix = new ScenarioIndex(s);
        var r = ReplicateResult.Create(0, months, ix.Incomes.Length, ix.Occupations.Length, ix.Individual.Length, ix.Structural.Length,
            ix.Parties.Length, ix.Payers.Length, ix.Lines.Length, 1);
        int work = ix.IncomeIndex("Arbete"), sick = ix.IncomeIndex("Sjukpenning");
        for (var m = 0; m < months; m++)
        {
            r.PerIncome(r.Income)[m, work] = 1;
            r.PerIncome(r.CounterfactualIncome)[m, sick] = 1;
        }
        r.PerLine[0, 0] = spendInMonth0;
        r.PerParty(r.PartyContribution)[0, 0] = spendInMonth0;
        return r;
    }

    private static ReplicateFigures Account(Scenario s, ReplicateResult r) =>
        SocioEconomics.ForReplicate(new ScenarioIndex(s), s.Economics!, new ReplicateLedger(r));

    [Fact]
    public void One_person_from_sjukpenning_to_work_for_12_months_changes_each_sector_by_the_catalog_amounts()
    {
        var s = Load(rate: 0, followUpYears: 0);
        var f = Account(s, OneMoved(s, 12)).Figures;
        // Per month in work: individual 20 000 × (1 − 0.2 − 0.1) = 14 000, kommun 4 000, region 2 000, state 20 000 × 0.3 = 6 000.
        // Per month on sjukpenning: state −15 000 − 500, individual 15 000 × 0.7 = 10 500, kommun 3 000, region 1 500 − 1 000.
        // Difference × 12 months:
        Assert.Equal(12 * (6_000 + 15_500), f["stat_gain"]);
        Assert.Equal(12 * (2_000 - 500), f["region_gain"]);
        Assert.Equal(12 * (4_000 - 3_000), f["kommun_gain"]);
        Assert.Equal(12 * (14_000 - 10_500), f["individual_gain"]);
        // Society: production 20 000 × 1.3 plus the resources no longer used; transfers and taxes cancel.
        Assert.Equal(12 * (26_000 + 1_500), f["society_gain"]);
        Assert.Equal(12 * 26_000, f["production"]);
        Assert.Equal(f["society_gain"], f["stat_gain"] + f["region_gain"] + f["kommun_gain"] + f["individual_gain"]);
        Assert.Equal(0, f["forbund_spend"]);
        Assert.Equal(0, f["payback_months"]);
    }

    [Fact]
    public void Discounting_at_zero_equals_the_plain_sum_and_at_three_per_cent_each_month_is_discounted()
    {
        var plain = Account(Load(0, 1), OneMoved(Load(0, 1), 12)).Figures;
        // Follow-up: the person keeps the horizon-end state one more year, so the plain sum doubles.
        Assert.Equal(2 * 12 * 27_500, plain["society_net_follow_up"]);
        Assert.Equal(12 * 27_500, plain["society_net"]);

        var s = Load(0.03, 1);
        var discounted = Account(s, OneMoved(s, 12)).Figures;
        var expected = Enumerable.Range(0, 12).Sum(m => 27_500 * Math.Pow(1.03, -m / 12.0));
        Assert.Equal(Stat.Round(expected), discounted["society_net"]);
        Assert.Equal(1 / 1.03, SocioEconomics.Discount(0.03, 12), 12);
        Assert.True(discounted["society_net"] < plain["society_net"]);
    }

    [Fact]
    public void Payback_of_a_constant_yearly_gain_is_the_cost_divided_by_the_gain()
    {
        // 96 000 spent at the start, 24 000 a year (2 000 a month) gained from the first month: 48 months.
        var net = Enumerable.Range(0, 120).Select(m => (m == 0 ? -96_000.0 : 0) + 2_000).ToList();
        Assert.Equal(48, SocioEconomics.PaybackMonths(net));
        Assert.Null(SocioEconomics.PaybackMonths(net.Take(40).ToList()));
        Assert.Equal(0, SocioEconomics.PaybackMonths([1.0, 2.0]));

        // The same through the account: 27 500 a month for society against 275 000 spent in the first month.
        var s = Load(0, 1);
        var f = Account(s, OneMoved(s, 12, spendInMonth0: 275_000)).Figures;
        Assert.Equal(10, f["payback_months"]);
        Assert.Equal(275_000, f["forbund_spend"]);
        // FK is the only party, so the state carries the whole cost.
        Assert.Equal(12 * 21_500 - 275_000, f["stat_net"]);
    }

    [Fact]
    public void The_account_redraws_the_ersattning_exactly_as_the_engine_drew_it()
    {
        var s = ScenarioLoader.Load(Path.Combine(Repo.Scenarios, "example-forbund.yaml"));
        var ix = new ScenarioIndex(s);
        for (var r = 0; r < 5; r++)
        {
            var model = new ReplicateModel(ix, r);
            for (var k = 0; k < ix.Incomes.Length; k++)
                Assert.Equal(model.MonthlyCost[k], ParamDraws.Value(s.Seed, r, s.IncomeStates[k].MonthlyCost));
        }
    }

    [Fact]
    public void A_valuation_for_an_unknown_income_state_is_an_error_with_file_line_and_field()
    {
        var bad = Valuation.Replace("- id: Sjukpenning", "- id: Sjukpeng", StringComparison.Ordinal);
        var e = Assert.Throws<ScenarioException>(() => Load(0, 0, bad));
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal("v.yaml", d.Where.File);
        Assert.True(d.Where.Line > 0);
        Assert.Contains("unknown income state 'Sjukpeng'", d.Message);
    }

    [Fact]
    public async Task Shipped_example_has_an_account_whose_sectors_add_up_to_society()
    {
        var run = await Simulator.RunAsync(ScenarioLoader.Load(Path.Combine(Repo.Scenarios, "example-forbund.yaml")), new RunOptions { Replicates = 24 });
        var summary = Summariser.Summarise(run);
        var e = Assert.IsType<SocioEconomicAccount>(summary.Economics);
        foreach (var r in e.Replicates)
        {
            var sum = SocioEconomics.SectorKeys.Take(4).Sum(k => r.Figures[$"{k}_net_follow_up"]!.Value);
            Assert.Equal(r.Figures["society_net_follow_up"]!.Value, sum, Math.Abs(sum) * 1e-5 + 1);
        }
        // Round trip through result.json keeps the account.
        var back = ResultWriter.FromJson(ResultWriter.ToJson(summary));
        Assert.Equal(e.Sectors.Count, back.Economics!.Sectors.Count);
        Assert.Contains("economics.csv", ResultWriter.Files(summary).Keys);
    }
}
