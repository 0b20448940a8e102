using System.Globalization;
using System.Text;

namespace Finsam.Core.Priors;

/// <summary>The bars of issue 9 measured on a library backtest, and its markdown tables (one per held-out source).</summary>
public sealed record BacktestBars(
    int Cases, double FinsamTvd, string BestBaseline, double BestBaselineTvd, int Inside, int Intervals,
    int StartsInside, int StartsForecast, int StayInside, int StayForecast)
{
    public double Gain => BestBaselineTvd - FinsamTvd;
    public bool TvdMet => Gain >= 0.05;
    public double Coverage => Intervals > 0 ? Inside / (double)Intervals : double.NaN;
    public bool CoverageMet => Coverage is >= 0.85 and <= 0.95;
    public double StartsShare => StartsForecast > 0 ? StartsInside / (double)StartsForecast : double.NaN;
    public bool StartsMet => StartsShare >= 0.8;
}

public static class LibraryBacktestReport
{
    /// <summary>
    /// The bars: Finsam's mean TVD against the best baseline among those that forecast every scored case
    /// (pooled all, pooled same kind where every case has training insatser of its kind, uniform), its 90 %
    /// interval coverage over all scored categories, and starts and stays inside their 90 % intervals.
    /// </summary>
    public static BacktestBars Bars(LibraryBacktestResult result)
    {
        var scored = result.Scored.ToList();
        var finsam = scored.Count > 0 ? scored.Average(r => r.Finsam.Tvd!.Value) : double.NaN;
        var best = (Name: "none", Tvd: double.NaN);
        for (var m = 1; m < LibraryBacktest.MethodNames.Length; m++)
        {
            if (scored.Count == 0 || scored.Any(r => r.Methods[m].Tvd is null)) continue;
            var tvd = scored.Average(r => r.Methods[m].Tvd!.Value);
            if (double.IsNaN(best.Tvd) || tvd < best.Tvd) best = (LibraryBacktest.MethodNames[m], tvd);
        }
        var starts = result.Rows.Where(r => r.StartsInside is not null).ToList();
        var stays = result.Rows.Where(r => r.StayInside is not null).ToList();
        return new BacktestBars(scored.Count, finsam, best.Name, best.Tvd,
            scored.Sum(r => r.Finsam.Inside ?? 0), scored.Sum(r => r.Finsam.Intervals ?? 0),
            starts.Count(r => r.StartsInside == true), starts.Count, stays.Count(r => r.StayInside == true), stays.Count);
    }

    public static string Markdown(LibraryBacktestResult result, string command)
    {
        var sb = new StringBuilder();
        void L(string s = "") => sb.Append(s).Append('\n');
        var bars = Bars(result);
        L($"Command: `{command}` — {result.Mode}, {result.Draws} draws per held-out insats, seed {result.Seed}.");
        L();
        L("**Mean over held-out insatser with a recorded exit distribution** (TVD: lower is better; log score per exit: higher is better; coverage: recorded category shares inside the 90 % interval)");
        L();
        L("| Method | Cases | Mean TVD | Mean log score | 90 % coverage |");
        L("|---|---:|---:|---:|---:|");
        var scored = result.Scored.ToList();
        for (var m = 0; m < LibraryBacktest.MethodNames.Length; m++)
        {
            var rows = scored.Where(r => r.Methods[m].Tvd is not null).ToList();
            if (rows.Count == 0) { L($"| {LibraryBacktest.MethodNames[m]} | 0 | n/a | n/a | n/a |"); continue; }
            var inside = rows.Sum(r => r.Methods[m].Inside ?? 0);
            var intervals = rows.Sum(r => r.Methods[m].Intervals ?? 0);
            L($"| {LibraryBacktest.MethodNames[m]} | {rows.Count} | {F3(rows.Average(r => r.Methods[m].Tvd!.Value))} | {F2(rows.Average(r => r.Methods[m].LogScore!.Value))} | {inside}/{intervals} ({Pct(intervals > 0 ? inside / (double)intervals : double.NaN)}) |");
        }
        L();
        var censored = result.CensoredScored.ToList();
        L($"**Count-censored records** ({censored.Count}: a source placed only some of those who ended, e.g. \"52 % went to work or studies\", the rest `Okänt`; each named count is a lower bound). Shortfall: Σ max(0, recorded share − forecast share), the TVD to the nearest distribution the record allows (lower is better); log probability per exit of the record under the forecast shares (higher is better).");
        L();
        L("| Method | Cases | Mean shortfall | Mean log probability |");
        L("|---|---:|---:|---:|");
        for (var m = 0; m < LibraryBacktest.MethodNames.Length; m++)
        {
            var rows = censored.Where(r => r.Methods[m].Shortfall is not null).ToList();
            L(rows.Count == 0 ? $"| {LibraryBacktest.MethodNames[m]} | 0 | n/a | n/a |"
                : $"| {LibraryBacktest.MethodNames[m]} | {rows.Count} | {F3(rows.Average(r => r.Methods[m].Shortfall!.Value))} | {F2(rows.Average(r => r.Methods[m].CensoredLogScore!.Value))} |");
        }
        L();
        L("**Bars**");
        L();
        L($"- Mean TVD: Finsam {F3(bars.FinsamTvd)}, best baseline ({bars.BestBaseline}) {F3(bars.BestBaselineTvd)}: Finsam better by {F3(bars.Gain)} (bar ≥ 0.050): **{(bars.TvdMet ? "met" : "not met")}**.");
        L($"- 90 % intervals hold {bars.Inside} of {bars.Intervals} recorded shares ({Pct(bars.Coverage)}; bar 85–95 %): **{(bars.CoverageMet ? "met" : "not met")}**.");
        var bases = string.Join(", ", result.Rows.Where(r => r.StartsInside is not null).GroupBy(r => r.StartsBasis ?? "?").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}: {g.Count(r => r.StartsInside == true)} of {g.Count()}"));
        L($"- Recorded starts inside the 90 % interval: {bars.StartsInside} of {bars.StartsForecast} insatser with recorded starts and a period ({Pct(bars.StartsShare)}; bar ≥ 80 %): **{(bars.StartsForecast == 0 ? "cannot be measured" : bars.StartsMet ? "met" : "not met")}**. By what the forecast rests on: {(bases.Length == 0 ? "none" : bases)} (places or staffing: Little's law; period: starts per month of the kind).");
        L($"- Recorded realised stay inside the 90 % interval: {bars.StayInside} of {bars.StayForecast}.");
        L();
        foreach (var source in result.Rows.GroupBy(r => r.Source))
        {
            L($"**Held out: {source.Key}**");
            L();
            L($"| Insats | Kind | Record (exits) | {string.Join(" | ", LibraryBacktest.MethodNames)} | Finsam coverage | Starts: recorded / forecast (90 %) | Stay: recorded / forecast (90 %) |");
            L($"|---|---|---|{string.Concat(LibraryBacktest.MethodNames.Select(_ => "---:|"))}---:|---|---|");
            foreach (var r in source)
            {
                var tvds = r.Methods.Count == 0 ? LibraryBacktest.MethodNames.Select(_ => "—")
                    : r.Methods.Select(m => m.Tvd is { } t ? F3(t) : m.Shortfall is { } sh ? "≥" + F3(sh) : "n/a");
                var cov = r.Methods.Count > 0 && r.Finsam is { Inside: { } i, Intervals: { } n } ? $"{i}/{n}" : "—";
                var record = r.Observed is null ? (r.Record is null ? "none" : $"{r.Record} (not scored)")
                    : r.Censored ? $"{r.Record} (censored: {N0(r.Exits - r.Unplaced)} of {N0(r.Exits)} placed, {r.Categories.Count} categories)"
                    : $"{r.Record} ({N0(r.Exits)}, {r.Categories.Count} categories)";
                var starts = r.StartsForecast is { } sf ? $"{N0(r.Starts)} / {N0(sf.Mean)} ({N0(sf.Low)}–{N0(sf.High)}; {r.StartsBasis}){(r.StartsInside == true ? "" : r.Starts is null ? "" : " ✗")}" : $"{N0(r.Starts)} / n/a";
                var stay = r.StayForecast is { } st ? $"{N1(r.Stay)} / {N1(st.Median)} ({N1(st.Low)}–{N1(st.High)}){(r.StayInside == false ? " ✗" : "")}" : $"{N1(r.Stay)} / n/a";
                L($"| {r.Insats} | {r.Kind} | {record} | {string.Join(" | ", tvds)} | {cov} | {starts} | {stay} |");
            }
            L();
        }
        L("TVD per method in the middle columns (≥ x: the shortfall of a count-censored record); ✗ marks a recorded value outside the interval.");
        return sb.ToString();
    }

    private static string F3(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.000", CultureInfo.InvariantCulture);
    private static string F2(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
    private static string Pct(double v) => double.IsNaN(v) ? "n/a" : (v * 100).ToString("0", CultureInfo.InvariantCulture) + " %";
    private static string N0(double? v) => v is { } x ? x.ToString("0", CultureInfo.InvariantCulture) : "—";
    private static string N1(double? v) => v is { } x ? x.ToString("0.#", CultureInfo.InvariantCulture) : "—";
}
