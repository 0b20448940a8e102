using System.Globalization;
using System.Text;

namespace Finsam.Core.Results;

/// <summary>
/// The one CSV writer of Finsam's outputs (result and comparison files): comma separated, a header line,
/// <c>\n</c> line ends, fields quoted only when they hold a comma, quote or line break (RFC 4180),
/// numbers in invariant round-trip form and empty when missing. Safe to open in Excel: a text field that
/// Excel would read as a formula — starting with '=', '+', '-', '@', a tab or a carriage return — gets a
/// leading apostrophe, so a name such as <c>=HYPERLINK(…)</c> shows as text and never runs; numbers,
/// negative ones included, stay numbers.
/// </summary>
public static class CsvWriter
{
    /// <summary>A whole table: the header line, then one line per row.</summary>
    public static string Table(IEnumerable<string> header, IEnumerable<IEnumerable<string>> rows)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Table(writer, header, rows);
        return writer.ToString();
    }

    /// <summary>A whole table written as it goes: the header line, then one line per row (nothing is held but the row).</summary>
    public static void Table(TextWriter writer, IEnumerable<string> header, IEnumerable<IEnumerable<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        WriteRow(writer, header);
        foreach (var r in rows) WriteRow(writer, r);
    }

    /// <summary>One line of fields to a writer, each quoted when needed, ended by <c>\n</c>.</summary>
    public static void WriteRow(TextWriter writer, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var f in fields)
        {
            if (!first) writer.Write(',');
            writer.Write(Field(f));
            first = false;
        }
        writer.Write('\n');
    }

    /// <summary>One line of fields, each quoted when needed, ended by <c>\n</c>.</summary>
    public static StringBuilder AppendRow(StringBuilder sb, IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(fields);
        return sb.Append(string.Join(',', fields.Select(Field))).Append('\n');
    }

    /// <summary>A field as written: formula-like text neutralised, then quoted (quotes doubled) when it holds a comma, quote or line break.</summary>
    public static string Field(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            s = "'" + s;
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    /// <summary>A number in round-trip invariant form; empty for a missing or non-finite value.</summary>
    public static string Number(double? v) => v is { } d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "";
}
