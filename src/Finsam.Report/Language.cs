using System.Globalization;
using Finsam.Core.Results;

namespace Finsam.Report;

public enum ReportLanguage { Sv, En }

/// <summary>
/// Numbers as a Swedish (or English) reader expects them. Swedish: space as thousands separator (no-break,
/// so "12 300" never wraps), decimal comma, "30,3 %", kr and Mkr, a real minus sign. Built by hand because
/// the project runs with invariant globalization.
/// </summary>
public sealed class Numbers(ReportLanguage lang)
{
    private const char Nbsp = '\u00A0';
    private static readonly NumberFormatInfo Sv = new()
    {
        NumberDecimalSeparator = ",", NumberGroupSeparator = Nbsp.ToString(), NegativeSign = "−",
    };
    private static readonly NumberFormatInfo En = new()
    {
        NumberDecimalSeparator = ".", NumberGroupSeparator = ",", NegativeSign = "−",
    };

    public ReportLanguage Language => lang;
    private NumberFormatInfo Nf => lang == ReportLanguage.Sv ? Sv : En;
    private bool Swedish => lang == ReportLanguage.Sv;

    public string Fixed(double v, int decimals) =>
        Clean(v.ToString(decimals == 0 ? "#,0" : "#,0." + new string('0', decimals), Nf));

    /// <summary>People: whole numbers grouped (a mean of 61,7 people reads "62"); below ten, means keep one decimal.</summary>
    public string Count(double v) => Math.Abs(v) >= 10 || v == Math.Floor(v) ? Fixed(Math.Round(v), 0) : Fixed(v, 1);

    public string Money(double v)
    {
        var a = Math.Abs(v);
        if (Swedish)
            return a >= 1e6 ? $"{Fixed(v / 1e6, 1)}{Nbsp}Mkr" : a >= 1e4 ? $"{Fixed(Math.Round(v / 100) * 100, 0)}{Nbsp}kr" : $"{Fixed(v, 0)}{Nbsp}kr";
        return a >= 1e6 ? $"SEK{Nbsp}{Fixed(v / 1e6, 1)}{Nbsp}million" : a >= 1e4 ? $"SEK{Nbsp}{Fixed(Math.Round(v / 100) * 100, 0)}" : $"SEK{Nbsp}{Fixed(v, 0)}";
    }

    public string Share(double v) => Swedish ? $"{Fixed(v * 100, 1)}{Nbsp}%" : $"{Fixed(v * 100, 1)}%";

    public string Points(double v) => (v > 0 ? "+" : "") + Fixed(v, 1) + (Swedish ? $"{Nbsp}procentenheter" : $"{Nbsp}percentage points");

    public string Months(double v) => Fixed(v, 1) + Nbsp + (Swedish ? (Math.Abs(v - 1) < 0.05 ? "månad" : "månader") : (Math.Abs(v - 1) < 0.05 ? "month" : "months"));

    public string Value(double v, string unit) => unit switch
    {
        "SEK" => Money(v),
        "share" => Share(v),
        "percentage points" => Points(v),
        "months" => Months(v),
        _ => Count(v),
    };

    /// <summary>A 90 % interval: "256–324", "23,3–38,7 %", "−4,7 till +10,6 procentenheter".</summary>
    public string Interval(Stat? s, string unit)
    {
        if (s is null) return "–";
        var signed = s.P5 < 0 || s.P95 < 0 || unit == "percentage points";
        if (!signed && unit is "share" or "months" or "people" or "")
        {
            var lo = Value(s.P5, unit);
            var hi = Value(s.P95, unit);
            // Unit once: "23,3–38,7 %".
            var suffix = Suffix(hi);
            return suffix.Length > 0 && lo.EndsWith(suffix, StringComparison.Ordinal) ? $"{lo[..^suffix.Length]}–{hi}" : $"{lo}–{hi}";
        }
        return $"{Value(s.P5, unit)} {(Swedish ? "till" : "to")} {Value(s.P95, unit)}";
    }

    private static string Suffix(string text)
    {
        var k = text.LastIndexOf(Nbsp);
        return k < 0 ? "" : text[k..];
    }

    /// <summary>Formats an axis tick: grouped, decimal comma, money scaled to the axis's own unit.</summary>
    public string Tick(double v, string unit) => unit switch
    {
        "Mkr" => Fixed(v / 1e6, Math.Abs(v) < 1e6 && v != 0 ? 2 : Math.Abs(v) < 1e7 && v != Math.Round(v / 1e6) * 1e6 ? 1 : 0),
        "tkr" => Fixed(v / 1e3, 0),
        "share" => Fixed(v * 100, 0),
        _ => Math.Abs(v - Math.Round(v)) < 1e-9 ? Fixed(v, 0) : Fixed(v, 1),
    };

    private static string Clean(string s) => s == "−0" ? "0" : s.StartsWith("−0", StringComparison.Ordinal) && s.Trim('−', '0', ',', '.', Nbsp).Length == 0 ? s[1..] : s;
}

/// <summary>The report's words in Swedish and English.</summary>
public sealed class Texts(ReportLanguage lang)
{
    public ReportLanguage Language => lang;
    public string Code => lang == ReportLanguage.Sv ? "sv" : "en";

    public string T(string sv, string en) => lang == ReportLanguage.Sv ? sv : en;

    /// <summary>A headline figure's name, from its key.</summary>
    public string Figure(string key, string fallback) => key switch
    {
        "referred" => T("Anvisade personer", "People referred"),
        "served" => T("Personer som fått insats", "People who received an insats"),
        "work_or_studies" => T("Deltagare som gått vidare till arbete eller studier", "Participants who moved on to work or studies"),
        "self_sufficient_12m" => T("Självförsörjande 12 månader efter anvisning", "Self-sufficient 12 months after referral"),
        "self_sufficient_12m_counterfactual" => T("… utan förbundets insatser", "… without the förbund's insatser"),
        "self_sufficient_12m_effect" => T("Effekt på självförsörjning efter 12 månader", "Effect on self-sufficiency at 12 months"),
        "mean_wait_months" => T("Genomsnittlig väntetid till insats", "Mean wait for an insats"),
        "spend" => T("Förbundets kostnad för insatser", "The förbund's spending on insatser"),
        "cost_per_participant" => T("Kostnad per deltagare", "Cost per participant"),
        "cost_per_self_sufficient" => T("Kostnad per självförsörjande person efter 12 månader", "Cost per person self-sufficient at 12 months"),
        "ersattning_paid" => T("Ersättningar till de anvisade", "Ersättning paid to the people referred"),
        "ersattning_counterfactual" => T("… utan förbundets insatser", "… without the förbund's insatser"),
        "ersattning_difference" => T("Skillnad i ersättningar (minus = besparing)", "Difference in ersättning (minus = saved)"),
        "stat_net" => T("Netto för staten (med FK och AF) under perioden", fallback),
        "stat_net_follow_up" => T("Netto för staten (med FK och AF) med uppföljning", fallback),
        "region_net" => T("Netto för regionen under perioden", fallback),
        "region_net_follow_up" => T("Netto för regionen med uppföljning", fallback),
        "kommun_net" => T("Netto för kommunen under perioden", fallback),
        "kommun_net_follow_up" => T("Netto för kommunen med uppföljning", fallback),
        "individual_net" => T("Netto för individerna under perioden", fallback),
        "individual_net_follow_up" => T("Netto för individerna med uppföljning", fallback),
        "society_net" => T("Netto för samhället under perioden", fallback),
        "society_net_follow_up" => T("Netto för samhället med uppföljning", fallback),
        "forbund_spend" => T("Förbundets kostnad inklusive utlånad personal", fallback),
        "payback_months" => T("Återbetalningstid för samhället", fallback),
        "cost_per_work_or_studies" => T("Kostnad per person till arbete eller studier", fallback),
        _ => fallback,
    };

    public string Interval90 => T("90 % intervall", "90% interval");
    public string Without => T("utan förbundets insatser", "without the förbund's insatser");
    public string With => T("med förbundets insatser", "with the förbund's insatser");
}
