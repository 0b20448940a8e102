using Finsam.Core.Economics;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Results;

/// <summary>
/// A replicate's summary row: every per-replicate value the run summary takes a mean and quantiles of
/// (headline figures, totals per insats, party and payer, monthly series, the socio-economic account's
/// figures, each recorded result's forecast: its value, or per category its count and share), in a
/// fixed column order. Rows are all a run keeps of its replicates (<see cref="SummaryRows"/>), so
/// memory does not grow with the size of a replicate's full result; a value without a denominator is NaN.
/// </summary>
public sealed class SummaryLayout
{
    /// <summary>Figures per individual insats before its exits by occupation.</summary>
    public const int InsatsFields = 16;
    /// <summary>Series per insats and month: capacity, occupancy, queue, admitted, ended, mean wait.</summary>
    public const int InsatsSeries = 6;
    /// <summary>Figures per party: contribution, in kind, paid, counterfactual, difference, net.</summary>
    public const int PartyFields = 6;
    public const int PartySeries = 3;
    public const int PayerFields = 3;

    public SummaryLayout(Scenario scenario, ScenarioIndex ix)
    {
        Scenario = scenario;
        Ix = ix;
        Months = scenario.Months;
        Incomes = ix.Incomes.Length;
        Occupations = ix.Occupations.Length;
        Insatser = ix.Individual.Length;
        Parties = ix.Parties.Length;
        Payers = ix.Payers.Length;
        Lines = ix.Lines.Length;
        var at = Summariser.HeadlineDefinitions.Count;
        int Take(int n) { var start = at; at += n; return start; }
        AtHorizon = Take(2 * Incomes);
        InsatsStart = Take(Insatser * InsatsWidth);
        PartyStart = Take(Parties * PartyFields);
        PayerStart = Take(Payers * PayerFields);
        LineStart = Take(Lines);
        MonthlyIncome = Take(Incomes * Months);
        MonthlyCounterfactual = Take(Incomes * Months);
        MonthlyInsats = Take(Insatser * InsatsSeries * Months);
        MonthlyParty = Take(Parties * PartySeries * Months);
        EconomicsStart = Take(scenario.Economics is null ? 0 : SocioEconomics.ReplicateKeys.Count);
        Recorded = new RecordedForecast[scenario.Recorded.Count];
        RecordedStart = new int[Recorded.Length];
        RecordedCategories = new int[Recorded.Length];
        for (var k = 0; k < Recorded.Length; k++)
        {
            Recorded[k] = new RecordedForecast(scenario.Recorded[k], ix);
            RecordedCategories[k] = scenario.Recorded[k].IsDistribution ? Recorded[k].Categories.Count : 0;
            RecordedStart[k] = Take(RecordedCategories[k] == 0 ? 1 : 2 * RecordedCategories[k]);
        }
        Width = at;
    }

    public Scenario Scenario { get; }
    public ScenarioIndex Ix { get; }
    public int Months { get; }
    public int Incomes { get; }
    public int Occupations { get; }
    public int Insatser { get; }
    public int Parties { get; }
    public int Payers { get; }
    public int Lines { get; }
    public int Width { get; }
    public int InsatsWidth => InsatsFields + Occupations;

    public int AtHorizon { get; }
    public int InsatsStart { get; }
    public int PartyStart { get; }
    public int PayerStart { get; }
    public int LineStart { get; }
    public int MonthlyIncome { get; }
    public int MonthlyCounterfactual { get; }
    public int MonthlyInsats { get; }
    public int MonthlyParty { get; }
    /// <summary>The account's figures in <see cref="SocioEconomics.ReplicateKeys"/> order (none without <c>economics:</c>).</summary>
    public int EconomicsStart { get; }
    /// <summary>Per recorded result: where its columns start, and its categories (0 for a single value).</summary>
    public int[] RecordedStart { get; }
    public int[] RecordedCategories { get; }
    public RecordedForecast[] Recorded { get; }

    /// <summary>Recorded result k's forecast: its single value, or category c's count.</summary>
    public int RecordedCount(int k, int c) => RecordedStart[k] + c;
    /// <summary>Recorded result k's category c as a share of the replicate's total over the categories (NaN when that is 0).</summary>
    public int RecordedShare(int k, int c) => RecordedStart[k] + RecordedCategories[k] + c;

    public int Insats(int i, int field) => InsatsStart + i * InsatsWidth + field;
    public int InsatsExit(int i, int occupation) => InsatsStart + i * InsatsWidth + InsatsFields + occupation;
    public int Party(int p, int field) => PartyStart + p * PartyFields + field;
    public int Payer(int k, int field) => PayerStart + k * PayerFields + field;
    public int Income(int state, int month) => MonthlyIncome + state * Months + month;
    public int Counterfactual(int state, int month) => MonthlyCounterfactual + state * Months + month;
    public int InsatsMonth(int i, int series, int month) => MonthlyInsats + (i * InsatsSeries + series) * Months + month;
    public int PartyMonth(int p, int series, int month) => MonthlyParty + (p * PartySeries + series) * Months + month;

    /// <summary>Fills <paramref name="row"/> (<see cref="Width"/> values) from one replicate. Sums run in month order, as the summary always has.</summary>
    public void Fill(ReplicateResult r, Span<double> row)
    {
        var last = Months - 1;
        Summariser.HeadlineValues(r, row[..Summariser.HeadlineDefinitions.Count]);

        var income = r.PerIncome(r.Income);
        var cf = r.PerIncome(r.CounterfactualIncome);
        for (var st = 0; st < Incomes; st++)
        {
            row[AtHorizon + st] = income[last, st];
            row[AtHorizon + Incomes + st] = cf[last, st];
            for (var m = 0; m < Months; m++)
            {
                row[Income(st, m)] = income[m, st];
                row[Counterfactual(st, m)] = cf[m, st];
            }
        }

        for (var i = 0; i < Insatser; i++) FillInsats(r, i, row);

        var contribution = r.PerParty(r.PartyContribution);
        var inKind = r.PerParty(r.PartyInKind);
        var partyPaid = r.PerParty(r.PartyPaid);
        var partyCf = r.PerParty(r.PartyCounterfactualPaid);
        for (var p = 0; p < Parties; p++)
        {
            double c = 0, ik = 0, paid = 0, cfPaid = 0;
            for (var m = 0; m < Months; m++)
            {
                c += contribution[m, p];
                ik += inKind[m, p];
                paid += partyPaid[m, p];
                cfPaid += partyCf[m, p];
                row[PartyMonth(p, 0, m)] = contribution[m, p];
                row[PartyMonth(p, 1, m)] = partyPaid[m, p];
                row[PartyMonth(p, 2, m)] = partyCf[m, p];
            }
            row[Party(p, 0)] = c;
            row[Party(p, 1)] = ik;
            row[Party(p, 2)] = paid;
            row[Party(p, 3)] = cfPaid;
            row[Party(p, 4)] = paid - cfPaid;
            row[Party(p, 5)] = c + ik + paid - cfPaid;
        }

        var payerPaid = r.PerPayer(r.PayerPaid);
        var payerCf = r.PerPayer(r.PayerCounterfactualPaid);
        for (var k = 0; k < Payers; k++)
        {
            double paid = 0, cfPaid = 0;
            for (var m = 0; m < Months; m++) { paid += payerPaid[m, k]; cfPaid += payerCf[m, k]; }
            row[Payer(k, 0)] = paid;
            row[Payer(k, 1)] = cfPaid;
            row[Payer(k, 2)] = paid - cfPaid;
        }

        var lines = r.PerLine;
        for (var l = 0; l < Lines; l++)
        {
            double spend = 0;
            for (var m = 0; m < Months; m++) spend += lines[m, l];
            row[LineStart + l] = spend;
        }

        if (Scenario.Economics is { } e)
            SocioEconomics.ForReplicate(Ix, e, new ReplicateLedger(r), row.Slice(EconomicsStart, SocioEconomics.ReplicateKeys.Count));
        for (var k = 0; k < Recorded.Length; k++)
        {
            var f = Recorded[k].Of(r);
            if (RecordedCategories[k] == 0) { row[RecordedStart[k]] = f[0]; continue; }
            var total = 0.0;
            foreach (var v in f) total += v;
            for (var c = 0; c < RecordedCategories[k]; c++)
            {
                row[RecordedCount(k, c)] = f[c];
                row[RecordedShare(k, c)] = total > 0 ? f[c] / total : double.NaN;
            }
        }
    }

    private void FillInsats(ReplicateResult r, int i, Span<double> row)
    {
        var capacity = r.PerInsats(r.Capacity);
        var occupancy = r.PerInsats(r.Occupancy);
        var queue = r.PerInsats(r.Queue);
        var admitted = r.PerInsats(r.Admitted);
        var planned = r.PerInsats(r.Planned);
        var dropouts = r.PerInsats(r.Dropouts);
        var waitSum = r.PerInsats(r.WaitSum);
        double Total(int[] a)
        {
            var grid = r.PerInsats(a);
            double sum = 0;
            for (var m = 0; m < Months; m++) sum += grid[m, i];
            return sum;
        }
        long waits = 0;
        for (var m = 0; m < Months; m++)
        {
            waits += waitSum[m, i];
            row[InsatsMonth(i, 0, m)] = capacity[m, i];
            row[InsatsMonth(i, 1, m)] = occupancy[m, i];
            row[InsatsMonth(i, 2, m)] = queue[m, i];
            row[InsatsMonth(i, 3, m)] = admitted[m, i];
            row[InsatsMonth(i, 4, m)] = planned[m, i] + dropouts[m, i];
            row[InsatsMonth(i, 5, m)] = admitted[m, i] == 0 ? double.NaN : waitSum[m, i] / (double)admitted[m, i];
        }
        var totalAdmitted = Total(r.Admitted);
        var totalPlanned = Total(r.Planned);
        var totalDropouts = Total(r.Dropouts);
        row[Insats(i, 0)] = Total(r.Referred);
        row[Insats(i, 1)] = Total(r.Ineligible);
        row[Insats(i, 2)] = totalAdmitted;
        row[Insats(i, 3)] = totalPlanned + totalDropouts;
        row[Insats(i, 4)] = totalPlanned;
        row[Insats(i, 5)] = totalDropouts;
        row[Insats(i, 6)] = Total(r.Chained);
        row[Insats(i, 7)] = Total(r.GaveUp);
        row[Insats(i, 8)] = Total(r.Closed);
        row[Insats(i, 9)] = Total(r.Capacity) / Months;
        row[Insats(i, 10)] = Total(r.Occupancy) / Months;
        row[Insats(i, 11)] = queue[Months - 1, i];
        row[Insats(i, 12)] = totalAdmitted > 0 ? waits / totalAdmitted : double.NaN;
        row[Insats(i, 13)] = WaitQuantile(r, i, 0.5);
        row[Insats(i, 14)] = WaitQuantile(r, i, 0.9);
        var spend = r.PerInsatsSpend;
        double s = 0;
        for (var m = 0; m < Months; m++) s += spend[m, i];
        row[Insats(i, 15)] = s;
        var exits = r.ExitsByOccupation;
        for (var o = 0; o < Occupations; o++)
        {
            double e = 0;
            for (var m = 0; m < Months; m++) e += exits[m, i, o];
            row[InsatsExit(i, o)] = e;
        }
    }

    /// <summary>The wait in months below which a share <paramref name="q"/> of the insats's admissions fall; NaN without admissions.</summary>
    private double WaitQuantile(ReplicateResult r, int i, double q)
    {
        var hist = r.Waits.Row(i);
        var n = 0;
        foreach (var h in hist) n += h;
        if (n == 0) return double.NaN;
        var target = q * n;
        var acc = 0;
        for (var w = 0; w < hist.Length; w++) { acc += hist[w]; if (acc >= target) return w; }
        return Months;
    }
}
