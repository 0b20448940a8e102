using System.Globalization;
using Finsam.Core.Results;

namespace Finsam.Client.Output;

/// <summary>Numbers as a board member reads them: grouped digits, SEK in thousands or millions, shares in per cent.</summary>
public static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Value(double v, string unit) => unit switch
    {
        "SEK" => Sek(v),
        "share" => $"{(v * 100).ToString("0.0", Inv)} %",
        "percentage points" => $"{(v >= 0 ? "+" : "−")}{Math.Abs(v).ToString("0.0", Inv)} pp",
        "months" => $"{v.ToString("0.0", Inv)} mo",
        _ => Count(v),
    };

    /// <summary>People: whole numbers from ten up (a mean of 57.8 people reads as 58), one decimal below.</summary>
    public static string Count(double v) =>
        Math.Abs(v) >= 10 || v == Math.Floor(v) ? Math.Round(v).ToString("#,0", Inv).Replace(",", " ", StringComparison.Ordinal) : v.ToString("0.0", Inv);

    public static string Sek(double v)
    {
        var a = Math.Abs(v);
        var sign = v < 0 ? "−" : "";
        return a >= 1e6 ? $"{sign}{(a / 1e6).ToString("0.0", Inv)} M SEK"
            : a >= 1e3 ? $"{sign}{(a / 1e3).ToString("0", Inv)} k SEK"
            : $"{sign}{a.ToString("0", Inv)} SEK";
    }

    public static string Mean(Stat? s, string unit) => s is null ? "–" : Value(s.Mean, unit);

    public static string Interval(Stat? s, string unit) => s is null ? "–" : $"{Value(s.P5, unit)} – {Value(s.P95, unit)}";

    public static string WithInterval(Stat? s, string unit) => s is null ? "–" : $"{Value(s.Mean, unit)} ({Value(s.P5, unit)} – {Value(s.P95, unit)})";
}
