using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Results;

/// <summary>
/// The forecast of one recorded result, laid out in the record's own categories: SUS ids, the named
/// groups the record uses (the forecast summed over their members), and <c>Kvar i insats</c>.
/// <c>Okänt</c> — people the report did not account for — has no column: they are left out of the
/// observed side, and the forecast is compared with the accounted-for people only.
/// </summary>
public sealed class RecordedForecast
{
    /// <summary>A column: its name and the base categories (indices) it sums; an empty set is "still enrolled".</summary>
    private readonly record struct Column(string Name, int[] Members);

    private readonly RecordedResult _rec;
    private readonly ScenarioIndex _ix;
    private readonly int _insats, _from, _to, _base;
    private readonly Column[] _columns;      // distributions: the TO side
    private readonly Column[]? _rows;        // cross-tables: the FROM side
    private readonly bool[]? _inSubgroup;    // base categories of the start state kept by the subgroup

    public RecordedForecast(RecordedResult rec, ScenarioIndex ix)
    {
        _rec = rec;
        _ix = ix;
        _insats = ix.InsatsIndex(rec.Insats);
        _from = ix.MonthOf(rec.From);
        _to = ix.MonthOf(rec.To);
        var names = BaseNames(rec.Quantity, ix);
        _base = names.Length;
        if (rec.Subgroup is { } sg)
        {
            var startNames = sg.ByIncome ? ix.Incomes : ix.Occupations;
            _inSubgroup = startNames.Select(n => sg.States.Contains(n)).ToArray();
        }
        if (rec.Table is { } table)
        {
            _rows = Columns(names, table.Keys, rec.Groups, stillEnrolled: false);
            _columns = Columns(names, table.Values.SelectMany(r => r.Keys), rec.Groups, stillEnrolled: false);
        }
        else if (rec.Counts is { } counts)
            _columns = Columns(names, counts.Keys, rec.Groups, counts.ContainsKey(RecordedCategory.StillEnrolled));
        else _columns = [];
    }

    /// <summary>The names of the comparison's categories, in order: "FROM → TO" cells for cross-tables.</summary>
    public IReadOnlyList<string> Categories => _rows is null
        ? _columns.Select(c => c.Name).ToList()
        : _rows.SelectMany(r => _columns.Select(c => $"{r.Name} → {c.Name}")).ToList();

    /// <summary>The observed counts in <see cref="Categories"/> order (Okänt left out).</summary>
    public double[] Observed()
    {
        if (_rows is null) return _columns.Select(c => _rec.Counts!.GetValueOrDefault(c.Name)).ToArray();
        return _rows.SelectMany(r => _columns.Select(c =>
            _rec.Table!.TryGetValue(r.Name, out var row) ? row.GetValueOrDefault(c.Name) : 0)).ToArray();
    }

    /// <summary>People the record leaves unaccounted for (<c>Okänt</c>), left out of the comparison.</summary>
    public double NotAccounted() => _rec.Table is { } t
        ? t.Sum(r => r.Key == RecordedCategory.Unknown ? r.Value.Values.Sum() : r.Value.GetValueOrDefault(RecordedCategory.Unknown))
        : _rec.Counts?.GetValueOrDefault(RecordedCategory.Unknown) ?? 0;

    /// <summary>One replicate's forecast: a single value, or counts in <see cref="Categories"/> order.</summary>
    public double[] Of(ReplicateResult r)
    {
        var i = _insats;
        double SumOver(int[] a) { var grid = r.PerInsats(a); var s = 0.0; for (var m = _from; m <= _to; m++) s += grid[m, i]; return s; }
        switch (_rec.Quantity)
        {
            case RecordedQuantity.Admitted: return [SumOver(r.Admitted)];
            case RecordedQuantity.Ended: return [SumOver(r.Planned) + SumOver(r.Dropouts)];
            case RecordedQuantity.Unplanned: return [SumOver(r.Dropouts)];
            case RecordedQuantity.Queue: return [r.PerInsats(r.Queue)[_to, i]];
            case RecordedQuantity.Occupancy: return [r.PerInsats(r.Occupancy)[_to, i]];
            case RecordedQuantity.MeanStay:
            {
                var ended = SumOver(r.Planned) + SumOver(r.Dropouts);
                Need(r.StaySum, "stay");
                var stays = r.Stays;
                double stay = 0;
                for (var m = _from; m <= _to; m++) stay += stays[m, i];
                return [ended == 0 ? double.NaN : stay / ended];
            }
        }
        if (_rows is not null)
        {
            var cells = Transitions(r);
            var result = new Table<double>(_rows.Length, _columns.Length);
            for (var a = 0; a < _rows.Length; a++)
                for (var b = 0; b < _columns.Length; b++)
                    foreach (var x in _rows[a].Members)
                        foreach (var y in _columns[b].Members)
                            result[a, b] += cells[x, y];
            return result.Data;   // row by row: the order of Categories
        }
        var basis = Base(r);
        var stillEnrolled = r.PerInsats(r.Occupancy)[_to, i] - r.PerInsats(r.Planned)[_to, i] - r.PerInsats(r.Dropouts)[_to, i] - r.PerInsats(r.Chained)[_to, i];
        return _columns.Select(c => c.Members.Length == 0 ? stillEnrolled : c.Members.Sum(x => basis[x])).ToArray();
    }

    /// <summary>The quantity's counts per base category (SUS id, reason or band), subgroup applied.</summary>
    private double[] Base(ReplicateResult r)
    {
        int i = _insats, n = _base;
        var result = new double[n];
        void Add(MonthCube<int> a)
        {
            for (var m = _from; m <= _to; m++)
            {
                var cell = a.Cell(m, i);
                for (var c = 0; c < n; c++) result[c] += cell[c];
            }
        }
        switch (_rec.Quantity)
        {
            case RecordedQuantity.ExitReason:
                for (var m = _from; m <= _to; m++) { result[0] += r.PerInsats(r.Planned)[m, i]; result[1] += r.PerInsats(r.Dropouts)[m, i]; }
                return result;
            case RecordedQuantity.TimeInInsats: Need(r.StayBand, "stay"); Add(r.StaysByBand); return result;
            case RecordedQuantity.ExitOccupation when _inSubgroup is null: Add(r.ExitsByOccupation); return result;
            case RecordedQuantity.ExitIncome when _inSubgroup is null: Need(r.ExitIncome, "exit income"); Add(r.ExitsByIncome); return result;
            case RecordedQuantity.StartIncome or RecordedQuantity.StartOccupation:
                Add(_rec.Quantity == RecordedQuantity.StartIncome ? r.StartsByIncome : r.StartsByOccupation);
                if (_inSubgroup is not null) for (var c = 0; c < n; c++) if (!_inSubgroup[c]) result[c] = 0;
                return result;
            default:
            {
                // An exit distribution of a subgroup: the rows of the start-by-exit table the subgroup keeps.
                var cells = Transitions(r);
                for (var a = 0; a < n; a++)
                    if (_inSubgroup![a])
                        for (var b = 0; b < n; b++) result[b] += cells[a, b];
                return result;
            }
        }
    }

    /// <summary>Start-by-exit counts over the period, [start, exit], subgroup applied to the start.</summary>
    private Table<double> Transitions(ReplicateResult r)
    {
        int i = _insats, n = _base;
        var byIncome = _rec.Quantity is RecordedQuantity.IncomeTransition or RecordedQuantity.ExitIncome;
        Need(byIncome ? r.IncomeTransition : r.OccupationTransition, "start-by-exit table");
        var a = byIncome ? r.IncomeTransitions : r.OccupationTransitions;
        var cells = new Table<double>(n, n);
        for (var m = _from; m <= _to; m++)
            for (var from = 0; from < n; from++)
                for (var to = 0; to < n; to++) cells[from, to] += a[m, i, from, to];
        if (_inSubgroup is not null)
            for (var s = 0; s < n; s++)
                if (!_inSubgroup[s]) cells.Row(s).Clear();
        return cells;
    }

    private static T[] Need<T>(T[] a, string what) =>
        a.Length > 0 ? a : throw new InvalidOperationException($"the replicate did not record the {what} this recorded result needs (ReplicateModel decides what to record from the scenario's recorded results)");

    /// <summary>What the engine must count at exit for these recorded results (nothing extra for the older quantities).</summary>
    public static ExitRecords Needs(IEnumerable<RecordedResult> recorded)
    {
        var needs = ExitRecords.None;
        foreach (var r in recorded)
        {
            if (r.Quantity is RecordedQuantity.ExitIncome or RecordedQuantity.MeanStay or RecordedQuantity.TimeInInsats) needs |= ExitRecords.Detail;
            if (r.Quantity == RecordedQuantity.IncomeTransition || (r.Quantity == RecordedQuantity.ExitIncome && r.Subgroup is not null))
                needs |= ExitRecords.IncomeTransition;
            if (r.Quantity == RecordedQuantity.OccupationTransition || (r.Quantity == RecordedQuantity.ExitOccupation && r.Subgroup is not null))
                needs |= ExitRecords.OccupationTransition;
        }
        return needs;
    }

    public static string[] BaseNames(RecordedQuantity q, ScenarioIndex ix) => q switch
    {
        RecordedQuantity.ExitOccupation or RecordedQuantity.StartOccupation or RecordedQuantity.OccupationTransition => ix.Occupations,
        RecordedQuantity.ExitIncome or RecordedQuantity.StartIncome or RecordedQuantity.IncomeTransition => ix.Incomes,
        RecordedQuantity.ExitReason => [RecordedCategory.Planned, RecordedCategory.Dropout],
        RecordedQuantity.TimeInInsats => RecordedCategory.StayBands.Select(b => b.Name).ToArray(),
        _ => [],
    };

    /// <summary>
    /// The used groups (in the order the record names them), then every base category no used group
    /// covers (in catalog order), then "still enrolled" if recorded. Without groups this is the catalog order.
    /// </summary>
    private static Column[] Columns(string[] names, IEnumerable<string> used, IReadOnlyDictionary<string, IReadOnlyList<string>> groups, bool stillEnrolled)
    {
        var columns = new List<Column>();
        var covered = new HashSet<int>();
        foreach (var u in used.Distinct(StringComparer.Ordinal))
        {
            if (Array.IndexOf(names, u) >= 0 || !groups.TryGetValue(u, out var members)) continue;
            var idx = members.Select(x => Array.IndexOf(names, x)).Where(x => x >= 0).ToArray();
            columns.Add(new Column(u, idx));
            covered.UnionWith(idx);
        }
        for (var c = 0; c < names.Length; c++)
            if (!covered.Contains(c)) columns.Add(new Column(names[c], [c]));
        if (stillEnrolled) columns.Add(new Column(RecordedCategory.StillEnrolled, []));
        return [.. columns];
    }
}
