using System.Globalization;
using System.Text;

namespace Finsam.Core.Results;

/// <summary>
/// The one CSV writer of every file Finsam writes (comma-separated, RFC 4180 quoting), safe to open in
/// Excel: a text cell that Excel would read as a formula — starting with '=', '+', '-', '@', a tab or a
/// carriage return — gets a leading apostrophe, so a name such as <c>=HYPERLINK(…)</c> shows as text and
/// never runs. Numbers, negative ones included, stay numbers.
/// </summary>
public static class CsvText
{
    public static string Table(IEnumerable<string> header, IEnumerable<IEnumerable<string>> rows)
    {
        var sb = new StringBuilder();
        Line(sb, header);
        foreach (var r in rows) Line(sb, r);
        return sb.ToString();
    }

    public static void Line(StringBuilder sb, IEnumerable<string> cells) =>
        sb.AppendJoin(',', cells.Select(Cell)).Append('\n');

    public static string Cell(string s)
    {
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            s = "'" + s;
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }
}
