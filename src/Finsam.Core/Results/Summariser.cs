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
        var values = new double[HeadlineDefinitions.Count];
        HeadlineValues(r, values);
        return values;
    }

    /// <summary>
    /// Writes the headline figures of one replicate into <paramref name="into"/> (<see cref="HeadlineDefinitions"/> order,
    /// NaN where a figure has no denominator) without making anything: this runs once per replicate.
    /// </summary>
    public static void HeadlineValues(ReplicateResult r, Span<double> into)
    {
        long admitted = 0, waits = 0;
        foreach (var a in r.Admitted) admitted += a;
        foreach (var w in r.WaitSum) waits += w;
        double spend = 0, paid = 0, cfPaid = 0;   // summed in order, as Enumerable.Sum does
        foreach (var v in r.LineSpend) spend += v;
        foreach (var v in r.PayerPaid) paid += v;
        foreach (var v in r.PayerCounterfactualPaid) cfPaid += v;
        var ss = r.Due12 == 0 ? double.NaN : r.SelfSufficient12 / (double)r.Due12;
        var cfss = r.Due12 == 0 ? double.NaN : r.CounterfactualSelfSufficient12 / (double)r.Due12;
        into[0] = r.Referrals;
        into[1] = r.Served;
        into[2] = r.WorkOrStudies;
        into[3] = ss;
        into[4] = cfss;
        into[5] = (ss - cfss) * 100;
        into[6] = admitted == 0 ? double.NaN : waits / (double)admitted;
        into[7] = spend;
        into[8] = r.Served == 0 ? double.NaN : spend / r.Served;
        into[9] = r.SelfSufficient12 == 0 ? double.NaN : spend / r.SelfSufficient12;
        into[10] = paid;
        into[11] = cfPaid;
        into[12] = paid - cfPaid;
    }

    /// <summary>The headline figures of one replicate (null where a figure has no denominator).</summary>
    public static Dictionary<string, double?> Headline(ReplicateResult r)
    {
        Span<double> values = stackalloc double[HeadlineDefinitions.Count];
        HeadlineValues(r, values);
        var figures = new Dictionary<string, double?>(values.Length);
        for (var k = 0; k < values.Length; k++) figures[HeadlineDefinitions[k].Key] = double.IsNaN(values[k]) ? null : values[k];
        return figures;
    }

    // ------------------------------------------------------------------ recorded results

    /// <summary>The forecast of a recorded quantity in one replicate: a single value or counts per category.</summary>
    public static double[] Forecast(RecordedResult rec, ScenarioIndex ix, ReplicateResult r) => new RecordedForecast(rec, ix).Of(r);

    public static string QuantityName(RecordedQuantity q) => Keyword.Quantities.NameOf(q);

    public static RecordedSummary CompareRecorded(RunResult run) => RecordedComparison.Compare(run.Scenario, run.Index, run.Replicates);
}
