using System.Globalization;
using Finsam.Core.Calibration;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Analysis;

/// <summary>
/// What a board can change in a scenario without an analyst: each year's budget total and its split between
/// budget lines, and each individual insats's places or FTE. Values are as the plan has them (shares in
/// percent; an uncertain number as its mean, with its distribution described).
/// </summary>
public sealed record LeverSet(
    string Scenario,
    IReadOnlyList<LineLever> Lines,
    IReadOnlyList<YearLever> Years,
    IReadOnlyList<CapacityLever> Insatser);

public sealed record LineLever(string Id, string Name);

/// <summary>A budget year: its total (null when the parties' amounts make it) and each line's share in percent.</summary>
public sealed record YearLever(int Year, double? Total, string? TotalUncertainty, IReadOnlyDictionary<string, double> Shares);

/// <summary>An individual insats's capacity: <see cref="Unit"/> is "places" or "fte".</summary>
public sealed record CapacityLever(string Insats, string Name, string? BudgetLine, string Unit, double Value, string? Uncertainty);

/// <summary>A board's change: only what is given is compared with the plan; what equals the plan is no edit.</summary>
public sealed record LeverChanges(IReadOnlyList<YearChange>? Years = null, IReadOnlyList<CapacityChange>? Insatser = null);

/// <summary>One year's new total and/or split (percent per budget line; every line of the year).</summary>
public sealed record YearChange(int Year, double? Total = null, IReadOnlyDictionary<string, double>? Shares = null);

public sealed record CapacityChange(string Insats, double Value);

/// <summary>One variant edit (docs/scenario-format.md §12): a path and the value that replaces the node there.</summary>
public sealed record LeverEdit(string Path, LeverValue Value);

/// <summary>A value an edit writes: a number, a percent split, or an uncertain number rescaled to a new mean.</summary>
public abstract record LeverValue;

public sealed record NumberValue(double Value) : LeverValue;

public sealed record SharesValue(IReadOnlyList<(string Line, double Percent)> Shares) : LeverValue;

public sealed record DistributionValue(Distribution Dist) : LeverValue;

/// <summary>Changes that cannot be made, by lever ("years[2017].shares"), each with its reasons.</summary>
public sealed class LeverException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Reads a scenario's levers and turns a board's changes into variant edits.</summary>
public static class Levers
{
    /// <summary>How far apart two shares (percent) may be and still sum to 100, as the loader allows (0.1 %).</summary>
    private const double ShareSumTolerance = 0.1;

    public static LeverSet Read(Scenario s)
    {
        var lines = s.Budget.Lines.Select(l => new LineLever(l.Id, l.Name)).ToList();
        var years = s.Budget.Years.Select(y => new YearLever(
            y.Year,
            y.Total?.Mean,
            y.Total is { Dist.IsFixed: false } t ? t.Dist.ToString() : null,
            s.Budget.Lines.Where(l => y.Shares.ContainsKey(l.Id)).ToDictionary(l => l.Id, l => Percent(y.Shares[l.Id]), StringComparer.Ordinal))).ToList();
        var insatser = new List<CapacityLever>();
        foreach (var i in s.Insatser.Where(i => i.Kind == InsatsKind.Individual))
        {
            if (i.Places is { } p) insatser.Add(new CapacityLever(i.Id, i.Name, i.BudgetLine, "places", p.Mean, p.Dist.IsFixed ? null : p.Dist.ToString()));
            else if (i.Fte is { } f) insatser.Add(new CapacityLever(i.Id, i.Name, i.BudgetLine, "fte", f.Mean, f.Dist.IsFixed ? null : f.Dist.ToString()));
        }
        return new LeverSet(s.Name, lines, years, insatser);
    }

    /// <summary>
    /// The variant edits that make the plan into the changed one, in a stable order (years, then insatser as the
    /// scenario lists them). A value equal to the plan's gives no edit. A changed uncertain number keeps its shape:
    /// its distribution is scaled to the new mean, so what the scenario says it does not know stays as stated.
    /// Throws <see cref="LeverException"/> naming every lever that cannot be set.
    /// </summary>
    public static IReadOnlyList<LeverEdit> Edits(Scenario s, LeverChanges changes)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Error(string lever, string message)
        {
            if (!errors.TryGetValue(lever, out var list)) errors[lever] = list = [];
            list.Add(message);
        }

        var yearEdits = new List<(int Year, LeverEdit Edit)>();
        var seenYears = new HashSet<int>();
        foreach (var c in changes.Years ?? [])
        {
            var lever = $"years[{c.Year}]";
            if (!seenYears.Add(c.Year)) { Error(lever, "the year is given twice"); continue; }
            var year = s.Budget.Years.FirstOrDefault(y => y.Year == c.Year);
            if (year is null)
            {
                Error(lever, $"the budget has no year {c.Year}; it has {string.Join(", ", s.Budget.Years.Select(y => y.Year))}");
                continue;
            }
            if (c.Total is { } total)
            {
                if (!double.IsFinite(total) || total < 0) Error($"{lever}.total", "the total must be a number of kronor, 0 or more");
                else if (year.Total is null) Error($"{lever}.total", "the year's total is made by the parties' amounts; change those in the file");
                else if (!Same(total, year.Total.Mean))
                    yearEdits.Add((c.Year, new LeverEdit($"budget.years[{c.Year}].total", Rescaled(year.Total.Dist, total))));
            }
            if (c.Shares is { } shares)
            {
                var bad = false;
                foreach (var (line, pct) in shares)
                {
                    if (!s.Budget.Lines.Any(l => l.Id == line)) { Error($"{lever}.shares", $"no budget line '{line}'; the lines are {string.Join(", ", s.Budget.Lines.Select(l => l.Id))}"); bad = true; }
                    else if (!double.IsFinite(pct) || pct < 0 || pct > 100) { Error($"{lever}.shares.{line}", "a share must be between 0 and 100 %"); bad = true; }
                }
                var missing = year.Shares.Keys.Where(k => !shares.ContainsKey(k)).ToList();
                if (missing.Count > 0) { Error($"{lever}.shares", $"give every line's share; missing: {string.Join(", ", missing)}"); bad = true; }
                if (bad) continue;
                var sum = shares.Values.Sum();
                if (Math.Abs(sum - 100) > ShareSumTolerance)
                {
                    Error($"{lever}.shares", $"the shares sum to {sum.ToString("0.##", CultureInfo.InvariantCulture)} %, they must sum to 100 %");
                    continue;
                }
                var changed = shares.Any(kv => !year.Shares.TryGetValue(kv.Key, out var plan) ? kv.Value != 0 : !Same(kv.Value, Percent(plan)));
                if (changed)
                {
                    // In the budget's line order, so the edit reads like the file.
                    var ordered = s.Budget.Lines.Where(l => shares.ContainsKey(l.Id)).Select(l => (l.Id, shares[l.Id])).ToList();
                    yearEdits.Add((c.Year, new LeverEdit($"budget.years[{c.Year}].shares", new SharesValue(ordered))));
                }
            }
        }

        var insatsEdits = new List<(int Order, LeverEdit Edit)>();
        var seenInsatser = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in changes.Insatser ?? [])
        {
            var lever = $"insatser[{c.Insats}]";
            if (!seenInsatser.Add(c.Insats)) { Error(lever, "the insats is given twice"); continue; }
            var index = s.Insatser.ToList().FindIndex(i => i.Id == c.Insats);
            var insats = index < 0 ? null : s.Insatser[index];
            if (insats is null || insats.Kind != InsatsKind.Individual || (insats.Places ?? insats.Fte) is null)
            {
                Error(lever, $"no individual insats '{c.Insats}' with places or FTE; the levers are {string.Join(", ", s.Insatser.Where(i => (i.Places ?? i.Fte) is not null).Select(i => i.Id))}");
                continue;
            }
            var (param, unit) = insats.Places is { } p ? (p, "places") : (insats.Fte!, "fte");
            if (!double.IsFinite(c.Value) || c.Value <= 0) { Error($"{lever}.{unit}", unit == "places" ? "places must be more than 0" : "FTE must be more than 0"); continue; }
            if (Same(c.Value, param.Mean)) continue;
            insatsEdits.Add((index, new LeverEdit($"insatser[{c.Insats}].capacity.{unit}", Rescaled(param.Dist, c.Value))));
        }

        if (errors.Count > 0) throw new LeverException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        return yearEdits.OrderBy(e => e.Year).Select(e => e.Edit)
            .Concat(insatsEdits.OrderBy(e => e.Order).Select(e => e.Edit)).ToList();
    }

    /// <summary>A fixed number stays a number; an uncertain one is scaled so that its mean is the new value.</summary>
    private static LeverValue Rescaled(Distribution d, double value) =>
        d.IsFixed || d.Mean == 0 ? new NumberValue(value) : new DistributionValue(ParamScaling.Scale(d, value / d.Mean));

    /// <summary>A share (0–1) in percent, rounded to hide binary noise (0.6 × 100 = 60.00000000000001).</summary>
    private static double Percent(double share) => Math.Round(share * 100, 9);

    private static bool Same(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(b));
}
