using System.Globalization;

namespace Finsam.Core.Scenarios;

/// <summary>A calendar month ("2016-01"). Months are the simulation's only time unit.</summary>
public readonly record struct YearMonth(int Year, int Month) : IComparable<YearMonth>
{
    public int Index => Year * 12 + (Month - 1);

    public static YearMonth FromIndex(int index) => new(index / 12, index % 12 + 1);

    public YearMonth AddMonths(int months) => FromIndex(Index + months);

    public static int MonthsBetween(YearMonth from, YearMonth to) => to.Index - from.Index;

    public static bool TryParse(string? text, out YearMonth value)
    {
        value = default;
        if (text is null) return false;
        var parts = text.Trim().Split('-');
        if (parts.Length != 2
            || parts[0].Length != 4 || parts[1].Length is < 1 or > 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || m is < 1 or > 12 || y is < 1900 or > 2200)
            return false;
        value = new YearMonth(y, m);
        return true;
    }

    public int CompareTo(YearMonth other) => Index.CompareTo(other.Index);
    public static bool operator <(YearMonth a, YearMonth b) => a.Index < b.Index;
    public static bool operator >(YearMonth a, YearMonth b) => a.Index > b.Index;
    public static bool operator <=(YearMonth a, YearMonth b) => a.Index <= b.Index;
    public static bool operator >=(YearMonth a, YearMonth b) => a.Index >= b.Index;

    public override string ToString() => $"{Year:D4}-{Month:D2}";
}
