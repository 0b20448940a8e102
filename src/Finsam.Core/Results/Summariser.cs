using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Results;

/// <summary>Turns the replicates of a run into forecasts with intervals, and compares them with recorded results.</summary>
public static class Summariser
{
    /// <summary>Summarises a run whose replicates are all in memory (tests, calibration, small runs).</summary>
    public static RunSummary Summarise(RunResult run)
    {
        using var builder = new SummaryBuilder(run.Scenario, run.Index);
        foreach (var r in run.Replicates) builder.Add(r);
        return builder.Build();
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

    /// <summary>The headline figures of one replicate in <see cref="HeadlineDefinitions"/> order, NaN where a figure has no denominator.</summary>
    public static double[] HeadlineValues(ReplicateResult r)
    {
        var h = Headline(r);
        var values = new double[HeadlineDefinitions.Count];
        for (var k = 0; k < values.Length; k++) values[k] = h[HeadlineDefinitions[k].Key] ?? double.NaN;
        return values;
    }

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

    // ------------------------------------------------------------------ recorded results

    /// <summary>The forecast of a recorded quantity in one replicate: a single value or counts per category.</summary>
    public static double[] Forecast(RecordedResult rec, ScenarioIndex ix, ReplicateResult r) => new RecordedForecast(rec, ix).Of(r);

    public static string QuantityName(RecordedQuantity q) => Keyword.Quantities.NameOf(q);

    public static RecordedSummary CompareRecorded(RunResult run) => RecordedComparison.Compare(run.Scenario, run.Index, run.Replicates);
}
