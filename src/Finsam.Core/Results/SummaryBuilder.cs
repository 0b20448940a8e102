using Finsam.Core.Diagnostics;
using Finsam.Core.Analysis;
using Finsam.Core.Economics;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Results;

/// <summary>
/// Builds a run's summary from its replicates as they arrive, in any order: each replicate becomes a
/// summary row (<see cref="SummaryLayout"/>) and its full result can be dropped at once. Means and
/// quantiles are exact (every value is kept, in memory or spilled to disk by <see cref="SummaryRows"/>),
/// so the summary is the same to the byte whatever the order or the place the replicates ran.
/// </summary>
public sealed class SummaryBuilder : IDisposable
{
    private readonly SummaryLayout _layout;
    private readonly SummaryRows _rows;
    private readonly double[] _row;
    private readonly bool[] _have;
    private readonly long _tableBudget;

    /// <param name="memoryBudgetBytes">Rows kept in memory before they go to a temporary file (and the budget of the per-replicate tables).</param>
    public SummaryBuilder(Scenario scenario, ScenarioIndex ix, long memoryBudgetBytes = SummaryRows.DefaultBudgetBytes)
    {
        _layout = new SummaryLayout(scenario, ix);
        _rows = new SummaryRows(_layout.Width, memoryBudgetBytes);
        _row = new double[_layout.Width];
        _have = new bool[scenario.Replicates];
        _tableBudget = Math.Min(memoryBudgetBytes, ReplicateTable.MemoryBudgetBytes);
    }

    public SummaryLayout Layout => _layout;

    public int Count => _rows.Count;

    /// <summary>Adds a replicate; one already added is ignored (a retried replicate never counts twice).</summary>
    public bool Add(ReplicateResult r)
    {
        if (r.Replicate < 0 || r.Replicate >= _have.Length) throw new ArgumentOutOfRangeException(nameof(r), $"replicate {r.Replicate} is not in 0…{_have.Length - 1}");
        if (_have[r.Replicate]) return false;
        _layout.Fill(r, _row);
        if (!_rows.Add(r.Replicate, _row)) return false;
        _have[r.Replicate] = true;
        return true;
    }

    public RunSummary Build()
    {
        var s = _layout.Scenario;
        var ix = _layout.Ix;
        int months = _layout.Months, nI = _layout.Insatser, nS = _layout.Incomes, nO = _layout.Occupations;
        int nP = _layout.Parties, nPay = _layout.Payers, nL = _layout.Lines;
        if (_rows.Count != _have.Length) throw new InvalidOperationException($"{_rows.Count} of {_have.Length} replicates were added");

        // One pass over the columns (each in replicate order): every column's statistic (null where no value is finite),
        // the per-replicate tables' columns, the recorded forecasts' pooled counts, and how many replicates pay back.
        var stats = new Stat?[_layout.Width];
        var tt = Timings.Start();
        var nH = Summariser.HeadlineDefinitions.Count;
        var figures = new ReplicateTable([.. Summariser.HeadlineDefinitions.Select(d => d.Key)], [.. ix.Parties.Select(p => p.Id)], _rows.Count, _tableBudget);
        var economics = s.Economics is null ? null : new ReplicateTable(SocioEconomics.ReplicateKeys, [], _rows.Count, _tableBudget);
        var tableColumn = new int[_layout.Width];   // column of the figures table (+1), or of the economics table (−1 − k), or 0
        for (var k = 0; k < nH; k++) tableColumn[k] = k + 1;
        int[] partyFields = [0, 1, 2, 3, 5];   // contribution, in kind, paid, counterfactual, net
        for (var p = 0; p < nP; p++)
            for (var f = 0; f < ReplicateTable.PartyFields; f++) tableColumn[_layout.Party(p, partyFields[f])] = figures.PartyColumn(p, f) + 1;
        if (economics is not null)
            for (var k = 0; k < economics.Width; k++) tableColumn[_layout.EconomicsStart + k] = -1 - k;
        var pooled = new double[_layout.Width];
        var isCount = new bool[_layout.Width];
        for (var k = 0; k < _layout.Recorded.Length; k++)
            for (var c = 0; c < _layout.RecordedCategories[k]; c++) isCount[_layout.RecordedCount(k, c)] = true;
        var payback = economics is null ? -1 : _layout.EconomicsStart + SocioEconomics.ReplicateKeys.ToList().IndexOf("payback_months");
        var paid = 0;
        var rounded = new double[_rows.Count];
        _rows.ForEachColumn((c, values) =>
        {
            if (tableColumn[c] > nH)
            {
                // A party's money per replicate is kept rounded, as it is shown; its statistic is of the exact values.
                for (var r = 0; r < values.Length; r++) rounded[r] = Stat.Round(values[r]);
                figures.SetColumn(tableColumn[c] - 1, rounded);
            }
            else if (tableColumn[c] > 0) figures.SetColumn(tableColumn[c] - 1, values);
            else if (tableColumn[c] < 0) economics!.SetColumn(-1 - tableColumn[c], values);
            if (isCount[c]) foreach (var v in values) pooled[c] += v;
            if (c == payback) foreach (var v in values) if (!double.IsNaN(v)) paid++;
            stats[c] = Stat.OfInPlace(values);
        });
        Timings.Add("summary build: columns", tt); tt = Timings.Start();
        Stat Z(int c) => stats[c] ?? Stat.Zero;
        List<Stat> Series(Func<int, int> column)
        {
            var list = new List<Stat>(months);
            for (var m = 0; m < months; m++) list.Add(Z(column(m)));
            return list;
        }

        var labels = new List<string>(months);
        for (var m = 0; m < months; m++) labels.Add(s.Start.AddMonths(m).ToString());
        var info = new RunInfo(s.Name, s.File, s.Variant, s.Seed, _rows.Count, s.Start.ToString(), s.End.ToString(), months,
            "mean and 90 % interval (P5–P95) over replicates", labels, s.Overlay);

        var headline = new List<Figure>();
        for (var k = 0; k < Summariser.HeadlineDefinitions.Count; k++)
        {
            var d = Summariser.HeadlineDefinitions[k];
            headline.Add(new Figure(d.Key, d.Label, d.Unit, stats[k]));
        }

        var atHorizon = new List<StateFigure>();
        for (var st = 0; st < nS; st++)
            atHorizon.Add(new StateFigure(ix.Incomes[st], s.IncomeStates[st].Payer, Z(_layout.AtHorizon + st), Z(_layout.AtHorizon + nS + st)));

        var insatser = new List<InsatsSummary>();
        for (var i = 0; i < nI; i++)
        {
            var ins = ix.Individual[i];
            Stat F(int field) => Z(_layout.Insats(i, field));
            var exits = new List<CategoryStat>();
            for (var o = 0; o < nO; o++)
                if (Z(_layout.InsatsExit(i, o)) is var e && (e.P95 > 0 || e.Mean > 0)) exits.Add(new CategoryStat(ix.Occupations[o], e));
            insatser.Add(new InsatsSummary(ins.Id, ins.Name, F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7), F(8), F(9), F(10), F(11),
                stats[_layout.Insats(i, 12)], stats[_layout.Insats(i, 13)], stats[_layout.Insats(i, 14)], F(15), exits));
        }

        var parties = new List<PartySummary>();
        for (var p = 0; p < nP; p++)
        {
            var party = ix.Parties[p];
            Stat F(int field) => Z(_layout.Party(p, field));
            parties.Add(new PartySummary(party.Id, party.Name, party.Kind.ToString(), F(0), F(1), F(2), F(3), F(4), F(5)));
        }

        var payers = new List<PayerSummary>();
        for (var k = 0; k < nPay; k++)
            payers.Add(new PayerSummary(ix.Payers[k], s.Payers[k].Name, Z(_layout.Payer(k, 0)), Z(_layout.Payer(k, 1)), Z(_layout.Payer(k, 2))));

        var lines = new List<LineSummary>();
        for (var l = 0; l < nL; l++) lines.Add(new LineSummary(ix.Lines[l], s.Budget.Lines[l].Name, Z(_layout.LineStart + l)));

        var income = new List<NamedSeries>();
        var counterfactual = new List<NamedSeries>();
        for (var st = 0; st < nS; st++)
        {
            var state = st;
            income.Add(new NamedSeries(ix.Incomes[st], Series(m => _layout.Income(state, m))));
            counterfactual.Add(new NamedSeries(ix.Incomes[st], Series(m => _layout.Counterfactual(state, m))));
        }
        var insatsSeries = new List<InsatsSeries>();
        for (var i = 0; i < nI; i++)
        {
            var ins = i;
            var wait = new List<Stat?>(months);
            for (var m = 0; m < months; m++) wait.Add(stats[_layout.InsatsMonth(i, 5, m)]);
            insatsSeries.Add(new InsatsSeries(ix.Individual[i].Id, Series(m => _layout.InsatsMonth(ins, 0, m)), Series(m => _layout.InsatsMonth(ins, 1, m)),
                Series(m => _layout.InsatsMonth(ins, 2, m)), Series(m => _layout.InsatsMonth(ins, 3, m)), Series(m => _layout.InsatsMonth(ins, 4, m)), wait));
        }
        var partySeries = new List<PartySeries>();
        for (var p = 0; p < nP; p++)
        {
            var party = p;
            partySeries.Add(new PartySeries(ix.Parties[p].Id, Series(m => _layout.PartyMonth(party, 0, m)), Series(m => _layout.PartyMonth(party, 1, m)),
                Series(m => _layout.PartyMonth(party, 2, m))));
        }
        var monthly = new MonthlySeries(income, counterfactual, insatsSeries, partySeries);

        Timings.Add("summary build: tables", tt); tt = Timings.Start();
        var recorded = s.Recorded.Count == 0 ? null : RecordedComparison.Compare(s, ix, k =>
        {
            var n = _layout.RecordedCategories[k];
            if (n == 0) return new RecordedComparison.ForecastStats(stats[_layout.RecordedStart[k]], [], [], []);
            var counts = new Stat?[n];
            var shares = new Stat?[n];
            var sums = new double[n];
            for (var c = 0; c < n; c++)
            {
                counts[c] = stats[_layout.RecordedCount(k, c)];
                shares[c] = stats[_layout.RecordedShare(k, c)];
                sums[c] = pooled[_layout.RecordedCount(k, c)];
            }
            return new RecordedComparison.ForecastStats(null, counts, shares, sums);
        });
        var summary = new RunSummary(info, headline, atHorizon, insatser, parties, payers, lines, monthly, recorded, figures);
        // The board's pass: the socio-economic account, and the sensitivity of the figures to the uncertain inputs.
        var economicsKeys = SocioEconomics.ReplicateKeys.ToList();
        var account = economics is null ? null
            : SocioEconomics.Summarise(ix, s.Economics!, key => stats[_layout.EconomicsStart + economicsKeys.IndexOf(key)], paid, economics);
        Timings.Add("summary build: recorded, account", tt); tt = Timings.Start();
        var replicates = new int[_have.Length];
        for (var r = 0; r < replicates.Length; r++) replicates[r] = r;
        var sens = BoardAnalysis.SensitivityOf(summary, account, s, replicates);
        Timings.Add("summary build: sensitivity", tt);
        return summary with { Economics = account, Sensitivity = sens };
    }

    public void Dispose() => _rows.Dispose();
}
