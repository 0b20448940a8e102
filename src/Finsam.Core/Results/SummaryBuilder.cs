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
    private readonly int _figuresWidth;
    private readonly double[] _figures;   // [replicate, headline figures then party totals], for the per-replicate list
    private readonly bool[] _have;
    private readonly double[][][] _forecasts;           // [recorded result][replicate]: what the recorded comparison needs
    private readonly ReplicateFigures[]? _economics;    // [replicate]: the socio-economic account's per-replicate figures

    public SummaryBuilder(Scenario scenario, ScenarioIndex ix, long memoryBudgetBytes = 96L << 20)
    {
        _layout = new SummaryLayout(scenario, ix);
        _rows = new SummaryRows(_layout.Width, memoryBudgetBytes);
        _row = new double[_layout.Width];
        _figuresWidth = Summariser.HeadlineDefinitions.Count + 5 * _layout.Parties;
        _figures = new double[scenario.Replicates * _figuresWidth];
        _have = new bool[scenario.Replicates];
        _forecasts = new double[scenario.Recorded.Count][][];
        for (var k = 0; k < _forecasts.Length; k++) _forecasts[k] = new double[scenario.Replicates][];
        _economics = scenario.Economics is null ? null : new ReplicateFigures[scenario.Replicates];
    }

    public SummaryLayout Layout => _layout;

    public int Count => _rows.Count;

    /// <summary>Adds a replicate; one already added is ignored (a retried replicate never counts twice).</summary>
    public bool Add(ReplicateResult r)
    {
        if (r.Replicate < 0 || r.Replicate >= _have.Length) throw new ArgumentOutOfRangeException(nameof(r), $"replicate {r.Replicate} is not in 0…{_have.Length - 1}");
        if (_have[r.Replicate]) return false;
        _layout.Fill(r, _row);
        var s = _layout.Scenario;
        for (var k = 0; k < _forecasts.Length; k++) _forecasts[k][r.Replicate] = new RecordedForecast(s.Recorded[k], _layout.Ix).Of(r);
        if (_economics is not null) _economics[r.Replicate] = SocioEconomics.ForReplicate(_layout.Ix, s.Economics!, new ReplicateLedger(r));
        return AddRow(r.Replicate, _row);
    }

    private bool AddRow(int replicate, ReadOnlySpan<double> row)
    {
        if (_have[replicate] || !_rows.Add(replicate, row)) return false;
        _have[replicate] = true;
        var at = replicate * _figuresWidth;
        var nH = Summariser.HeadlineDefinitions.Count;
        row[..nH].CopyTo(_figures.AsSpan(at, nH));
        for (var p = 0; p < _layout.Parties; p++)
            for (var f = 0; f < 5; f++)
                _figures[at + nH + p * 5 + f] = row[_layout.Party(p, f == 4 ? 5 : f)];   // contribution, in kind, paid, counterfactual, net
        return true;
    }

    public RunSummary Build()
    {
        var s = _layout.Scenario;
        var ix = _layout.Ix;
        int months = _layout.Months, nI = _layout.Insatser, nS = _layout.Incomes, nO = _layout.Occupations;
        int nP = _layout.Parties, nPay = _layout.Payers, nL = _layout.Lines;
        if (_rows.Count != _have.Length) throw new InvalidOperationException($"{_rows.Count} of {_have.Length} replicates were added");

        // Every column's statistic (null where no value is finite).
        var stats = new Stat?[_layout.Width];
        _rows.ForEachColumn((c, values) => stats[c] = Stat.Of(values));
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

        var recorded = s.Recorded.Count == 0 ? null : RecordedComparison.Compare(s, ix, k => _forecasts[k]);
        var summary = new RunSummary(info, headline, atHorizon, insatser, parties, payers, lines, monthly, recorded, PerReplicate());
        // The board's pass: the socio-economic account, and the sensitivity of the figures to the uncertain inputs.
        var account = _economics is null ? null : SocioEconomics.Summarise(ix, s.Economics!, _economics);
        return summary with { Economics = account, Sensitivity = BoardAnalysis.SensitivityOf(summary, account, s, Enumerable.Range(0, _have.Length).ToList()) };
    }

    private List<ReplicateFigures> PerReplicate()
    {
        var defs = Summariser.HeadlineDefinitions;
        var list = new List<ReplicateFigures>(_have.Length);
        for (var r = 0; r < _have.Length; r++)
        {
            var at = r * _figuresWidth;
            var figures = new Dictionary<string, double?>(defs.Count);
            for (var k = 0; k < defs.Count; k++) figures[defs[k].Key] = double.IsNaN(_figures[at + k]) ? null : _figures[at + k];
            var parties = new List<PartyFigures>(_layout.Parties);
            for (var p = 0; p < _layout.Parties; p++)
            {
                var q = at + defs.Count + p * 5;
                parties.Add(new PartyFigures(_layout.Ix.Parties[p].Id, Stat.Round(_figures[q]), Stat.Round(_figures[q + 1]), Stat.Round(_figures[q + 2]),
                    Stat.Round(_figures[q + 3]), Stat.Round(_figures[q + 4])));
            }
            list.Add(new ReplicateFigures(r, figures, parties));
        }
        return list;
    }

    public void Dispose() => _rows.Dispose();
}
