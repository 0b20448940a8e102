using System.Globalization;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Analysis;

/// <summary>What one search dimension sets: a line's share of a budget year, a year's total, an insats's capacity, or any other path.</summary>
public enum DimensionKind { Share, Total, Capacity, Path }

/// <summary>
/// One dimension of the search (<c>--over PATH=RANGE</c>): the variant path it sets and the values it may take, in
/// ascending order (the lattice the search moves on). <see cref="Years"/> are the budget years a share or total sets
/// (several for <c>budget.years[*]</c>); <see cref="Target"/> is the budget line or insats. <see cref="Plan"/> is the
/// plan's value, when there is one (the mean of an uncertain number).
/// </summary>
public sealed record SearchDimension(
    string Path, DimensionKind Kind, string Unit, IReadOnlyList<double> Values,
    IReadOnlyList<int> Years, string? Target, double? Plan);

/// <summary>A <c>--over</c> that cannot be used, with the reason (bad input: exit code 2).</summary>
public sealed class OptimiseSpecException(string message) : Exception(message);

/// <summary>
/// Reads <c>--over PATH=RANGE</c> into search dimensions and turns a point of the search into variant edits
/// (docs/optimise.md). A share path (<c>budget.years[2017].shares.processverksamhet</c>) sets one line's share of one
/// year, or of every year with <c>[*]</c>; the year's other lines share the rest in proportion to the plan, so one
/// number sets a whole split. Budget totals and insats capacities go through <see cref="Levers"/>, so an uncertain
/// number keeps its shape (scaled to the new mean); any other path gets a plain number, as a variant's <c>set</c> would.
/// </summary>
public static class OptimiserSpace
{
    /// <summary>Most values one dimension may take (a lattice finer than this is no use to a noisy objective).</summary>
    public const int MaxValuesPerDimension = 201;

    /// <summary>Most dimensions one search may have.</summary>
    public const int MaxDimensions = 12;

    /// <summary>Lattice points when a range gives no step: ten equal steps.</summary>
    public const int DefaultIntervals = 10;

    /// <summary>Parses every <c>--over</c> against the plan; throws <see cref="OptimiseSpecException"/> naming the first bad one.</summary>
    public static IReadOnlyList<SearchDimension> Parse(Scenario plan, IReadOnlyList<string> specs)
    {
        if (specs.Count > MaxDimensions) throw new OptimiseSpecException($"at most {MaxDimensions} --over dimensions, not {specs.Count}");
        var dims = specs.Select(s => ParseOne(plan, s)).ToList();
        foreach (var g in dims.GroupBy(d => d.Path, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw new OptimiseSpecException($"--over {g.Key} is given twice");
        // A year's split is set by share dimensions of at most all lines but one (the rest takes what is left).
        foreach (var year in plan.Budget.Years)
        {
            var lines = dims.Where(d => d.Kind == DimensionKind.Share && d.Years.Contains(year.Year)).Select(d => d.Target!).ToList();
            if (lines.Count > 0 && lines.Count >= year.Shares.Count)
                throw new OptimiseSpecException($"budget year {year.Year} has {year.Shares.Count} lines: set the shares of at most {year.Shares.Count - 1} of them, the rest takes what is left");
            if (lines.Distinct(StringComparer.Ordinal).Count() != lines.Count)
                throw new OptimiseSpecException($"the share of one line in {year.Year} is set by two --over (a year and [*])");
        }
        return dims;
    }

    /// <summary>
    /// Without <c>--over</c>: every budget year's split, as the share of the budget's last line from 0 to 100 % in steps
    /// of 5 % (a budget of two lines, such as bas/process). Capacities are searched only when asked for.
    /// </summary>
    public static IReadOnlyList<SearchDimension> Default(Scenario plan)
    {
        if (plan.Budget.Lines.Count != 2)
            throw new OptimiseSpecException($"the budget has {plan.Budget.Lines.Count} line(s): say what to search with --over (e.g. --over budget.years[2017].shares.{plan.Budget.Lines[^1].Id}=0..100%)");
        var line = plan.Budget.Lines[1].Id;
        return YearsInHorizon(plan).Select(y => ParseOne(plan, $"budget.years[{y}].shares.{line}=0%..100%:5%")).ToList();
    }

    /// <summary>The budget entries that apply to some year of the horizon, in order.</summary>
    public static IReadOnlyList<int> YearsInHorizon(Scenario s)
    {
        var first = s.Start.Year;
        var last = s.Start.AddMonths(s.Months - 1).Year;
        return Enumerable.Range(first, last - first + 1).Select(y => s.Budget.ForYear(y).Year).Distinct().ToList();
    }

    /// <summary>
    /// The money the förbund has over the horizon: equity plus every year's contribution (its total's mean, or the
    /// parties' amounts), pro rata for a part year. A candidate is within the budget when this is at most the limit.
    /// </summary>
    public static double Money(Scenario s)
    {
        var money = s.Budget.Equity;
        var amounts = s.Parties.Sum(p => p.Amount ?? 0);
        var month = s.Start;
        for (var m = 0; m < s.Months;)
        {
            var year = month.Year;
            var n = 0;
            while (m < s.Months && month.Year == year) { n++; m++; month = month.AddMonths(1); }
            var entry = s.Budget.ForYear(year);
            money += n / 12.0 * (entry.Total?.Mean ?? amounts);
        }
        return money;
    }

    /// <summary>
    /// The variant edits of a point (one value per dimension), or null with a reason when the point is not a plan
    /// (shares of a year above 100 %). Lever edits first, in the order <see cref="Levers.Edits"/> gives, then paths.
    /// </summary>
    public static (IReadOnlyList<LeverEdit>? Edits, string? Problem) Edits(Scenario plan, IReadOnlyList<SearchDimension> dims, IReadOnlyList<double> point)
    {
        var years = new List<YearChange>();
        var insatser = new List<CapacityChange>();
        var paths = new List<LeverEdit>();
        foreach (var year in plan.Budget.Years)
        {
            double? total = null;
            var set = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var d = 0; d < dims.Count; d++)
            {
                if (!dims[d].Years.Contains(year.Year)) continue;
                if (dims[d].Kind == DimensionKind.Total) total = point[d];
                else if (dims[d].Kind == DimensionKind.Share) set[dims[d].Target!] = point[d];
            }
            if (total is null && set.Count == 0) continue;
            IReadOnlyDictionary<string, double>? shares = null;
            if (set.Count > 0)
            {
                var (split, problem) = Split(year, set);
                if (split is null) return (null, problem);
                shares = split;
            }
            years.Add(new YearChange(year.Year, total, shares));
        }
        for (var d = 0; d < dims.Count; d++)
        {
            if (dims[d].Kind == DimensionKind.Capacity) insatser.Add(new CapacityChange(dims[d].Target!, point[d]));
            else if (dims[d].Kind == DimensionKind.Path) paths.Add(new LeverEdit(dims[d].Path, new NumberValue(point[d])));
        }
        var edits = Levers.Edits(plan, new LeverChanges(years, insatser)).ToList();
        edits.AddRange(paths);
        return (edits, null);
    }

    /// <summary>
    /// Where a scenario stands on each dimension (a variant's split, capacity or total), or null when some dimension is
    /// a plain path or the scenario sets a year's split otherwise than one number can say.
    /// </summary>
    public static IReadOnlyList<double>? SettingsOf(Scenario s, IReadOnlyList<SearchDimension> dims)
    {
        var levers = Levers.Read(s);
        var values = new List<double>();
        foreach (var d in dims)
        {
            double? v = d.Kind switch
            {
                DimensionKind.Share => One(d.Years.Select(y => s.Budget.Years.FirstOrDefault(b => b.Year == y)?.Shares.GetValueOrDefault(d.Target!) is { } x ? Math.Round(x * 100, 9) : (double?)null)),
                DimensionKind.Total => One(d.Years.Select(y => s.Budget.Years.FirstOrDefault(b => b.Year == y)?.Total?.Mean)),
                DimensionKind.Capacity => levers.Insatser.FirstOrDefault(i => i.Insats == d.Target)?.Value,
                _ => null,
            };
            if (v is null) return null;
            values.Add(v.Value);
        }
        return values;
    }

    /// <summary>The value every year has, or null when they differ ([*] over a staircase has no one value).</summary>
    private static double? One(IEnumerable<double?> values)
    {
        var distinct = values.Distinct().ToList();
        return distinct.Count == 1 ? distinct[0] : null;
    }

    /// <summary>A year's shares in percent with the given lines set and the others sharing the rest as in the plan.</summary>
    private static (Dictionary<string, double>? Shares, string? Problem) Split(BudgetYear year, IReadOnlyDictionary<string, double> set)
    {
        var fixedSum = set.Values.Sum();
        if (fixedSum > 100 + 1e-9)
            return (null, $"the shares set for {year.Year} sum to {fixedSum.ToString("0.##", CultureInfo.InvariantCulture)} %, above 100 %");
        var rest = year.Shares.Keys.Where(k => !set.ContainsKey(k)).ToList();
        var planRest = rest.Sum(k => year.Shares[k]);
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var k in year.Shares.Keys)
            shares[k] = set.TryGetValue(k, out var v) ? v
                : Math.Round((100 - fixedSum) * (planRest > 0 ? year.Shares[k] / planRest : 1.0 / rest.Count), 9);
        return (shares, null);
    }

    private static SearchDimension ParseOne(Scenario plan, string spec)
    {
        var eq = spec.LastIndexOf('=');
        if (eq <= 0 || eq == spec.Length - 1)
            throw new OptimiseSpecException($"--over '{spec}': write PATH=RANGE, e.g. budget.years[2017].shares.processverksamhet=20%..80% or insatser[stodperson].capacity.fte=1..4");
        var path = spec[..eq].Trim();
        var range = spec[(eq + 1)..].Trim();
        var (kind, years, target, plannedValue, unit) = Classify(plan, path);
        var percent = kind == DimensionKind.Share;
        var values = Lattice(spec, range, percent, unit == "places");
        if (kind == DimensionKind.Share && (values[0] < 0 || values[^1] > 100))
            throw new OptimiseSpecException($"--over '{spec}': a share is between 0 and 100 %");
        if (kind is DimensionKind.Total && values[0] < 0)
            throw new OptimiseSpecException($"--over '{spec}': a budget total is 0 kronor or more");
        if (kind is DimensionKind.Capacity && values[0] <= 0)
            throw new OptimiseSpecException($"--over '{spec}': {unit} must be more than 0");
        return new SearchDimension(path, kind, unit, values, years, target, plannedValue);
    }

    private static (DimensionKind, IReadOnlyList<int>, string?, double?, string) Classify(Scenario plan, string path)
    {
        var parts = path.Split('.');
        if (parts.Length >= 2 && parts[0] == "budget" && parts[1].StartsWith("years[", StringComparison.Ordinal) && parts[1].EndsWith(']'))
        {
            var sel = parts[1][6..^1];
            IReadOnlyList<int> years;
            if (sel == "*") years = plan.Budget.Years.Select(y => y.Year).ToList();
            else if (int.TryParse(sel, NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) && plan.Budget.Years.Any(b => b.Year == y)) years = [y];
            else throw new OptimiseSpecException($"--over {path}: the budget has no year '{sel}'; it has {string.Join(", ", plan.Budget.Years.Select(b => b.Year))} (or [*] for every year)");
            if (parts.Length == 3 && parts[2] == "total")
            {
                if (plan.Budget.Years.Where(b => years.Contains(b.Year)).Any(b => b.Total is null))
                    throw new OptimiseSpecException($"--over {path}: the year's total is made by the parties' amounts; search those with their own paths");
                var planTotals = plan.Budget.Years.Where(b => years.Contains(b.Year)).Select(b => b.Total!.Mean).Distinct().ToList();
                return (DimensionKind.Total, years, null, planTotals.Count == 1 ? planTotals[0] : null, "SEK");
            }
            if (parts.Length == 4 && parts[2] == "shares")
            {
                var line = parts[3];
                if (!plan.Budget.Lines.Any(l => l.Id == line))
                    throw new OptimiseSpecException($"--over {path}: no budget line '{line}'; the lines are {string.Join(", ", plan.Budget.Lines.Select(l => l.Id))}");
                if (plan.Budget.Years.Where(b => years.Contains(b.Year)).Any(b => !b.Shares.ContainsKey(line)))
                    throw new OptimiseSpecException($"--over {path}: the year's split has no share for '{line}'");
                var planShares = plan.Budget.Years.Where(b => years.Contains(b.Year)).Select(b => Math.Round(b.Shares[line] * 100, 9)).Distinct().ToList();
                return (DimensionKind.Share, years, line, planShares.Count == 1 ? planShares[0] : null, "%");
            }
            throw new OptimiseSpecException($"--over {path}: a budget year is searched by budget.years[Y].total or budget.years[Y].shares.LINE");
        }
        if (parts.Length == 3 && parts[0].StartsWith("insatser[", StringComparison.Ordinal) && parts[0].EndsWith(']') && parts[1] == "capacity" && parts[2] is "places" or "fte")
        {
            var id = parts[0][9..^1];
            var lever = Levers.Read(plan).Insatser.FirstOrDefault(i => i.Insats == id);
            if (lever is null || lever.Unit != parts[2])
                throw new OptimiseSpecException($"--over {path}: no individual insats '{id}' with {parts[2]}; the capacity levers are {string.Join(", ", Levers.Read(plan).Insatser.Select(i => $"insatser[{i.Insats}].capacity.{i.Unit}"))}");
            return (DimensionKind.Capacity, [], id, lever.Value, parts[2]);
        }
        if (path.Contains('*', StringComparison.Ordinal))
            throw new OptimiseSpecException($"--over {path}: [*] is only for budget.years");
        return (DimensionKind.Path, [], null, null, "");
    }

    /// <summary>LOW..HIGH (ten steps), LOW..HIGH:STEP, or a list a,b,c; percent signs where the values are shares.</summary>
    private static double[] Lattice(string spec, string range, bool percent, bool whole)
    {
        double Num(string text)
        {
            var t = text.Trim().Replace("_", "", StringComparison.Ordinal);
            var hasPercent = t.EndsWith('%');
            if (hasPercent) t = t[..^1];
            if (hasPercent && !percent) throw new OptimiseSpecException($"--over '{spec}': only a share takes a percent sign");
            if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new OptimiseSpecException($"--over '{spec}': '{text.Trim()}' is not a number");
            return v;
        }
        List<double> values;
        var dots = range.IndexOf("..", StringComparison.Ordinal);
        if (dots >= 0)
        {
            var colon = range.IndexOf(':', dots);
            var lo = Num(range[..dots]);
            var hi = Num(colon < 0 ? range[(dots + 2)..] : range[(dots + 2)..colon]);
            if (hi <= lo) throw new OptimiseSpecException($"--over '{spec}': the range's high end must be above its low end");
            var step = colon < 0 ? (whole ? Math.Max(1, Math.Round((hi - lo) / DefaultIntervals)) : (hi - lo) / DefaultIntervals) : Num(range[(colon + 1)..]);
            if (step <= 0) throw new OptimiseSpecException($"--over '{spec}': the step must be above 0");
            if ((hi - lo) / step + 1 > MaxValuesPerDimension + 1e-9)
                throw new OptimiseSpecException($"--over '{spec}': {Math.Floor((hi - lo) / step) + 1} values; at most {MaxValuesPerDimension} per dimension (take a larger step)");
            values = [];
            for (var k = 0; ; k++)
            {
                var v = Math.Round(lo + k * step, 9);
                if (v > hi + 1e-9) break;
                values.Add(v);
            }
            if (hi - values[^1] > 1e-9) values.Add(hi);
        }
        else
        {
            values = range.Split(',').Select(Num).ToList();
            if (values.Count > MaxValuesPerDimension) throw new OptimiseSpecException($"--over '{spec}': at most {MaxValuesPerDimension} values");
        }
        if (whole && values.Any(v => v != Math.Floor(v))) throw new OptimiseSpecException($"--over '{spec}': places are whole numbers");
        var sorted = values.Distinct().Order().ToArray();
        if (sorted.Length < 2) throw new OptimiseSpecException($"--over '{spec}': give at least two values to choose between");
        return sorted;
    }
}
