using System.Text.RegularExpressions;

namespace Finsam.Core.Loading;

/// <summary>
/// Finds Swedish personal identity numbers (personnummer and samordningsnummer) in text so
/// that they can be refused. Matches are reported masked, never in full.
/// </summary>
public static partial class PersonnummerGuard
{
    // 10 or 12 digits, optionally with '-' or '+' before the last four; not part of a longer number.
    // Digits joined to more digits by '.' or ',' rule out only the form without a separator (see LooksLikeIdentityNumber):
    // "0.8507099805" is a decimal; "a.19850709-9805" and "insatser.8507099805.places" are people.
    [GeneratedRegex(@"(?<!\d)(?<century>(19|20))?(?<yy>\d{2})(?<mm>\d{2})(?<dd>\d{2})(?<sep>[-+]?)(?<last>\d{4})(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Candidate();

    public readonly record struct Finding(int Line, int Column, string Masked);

    public static IReadOnlyList<Finding> Scan(string text)
    {
        var findings = new List<Finding>();
        // Lines are counted once, forward, so a file full of numbers costs linear time.
        int line = 1, lineStart = 0, counted = 0;
        foreach (Match m in Candidate().Matches(text))
        {
            if (!LooksLikeIdentityNumber(m, text)) continue;
            for (; counted < m.Index; counted++)
                if (text[counted] == '\n') { line++; lineStart = counted + 1; }
            findings.Add(new Finding(line, m.Index - lineStart + 1, Mask(m.Value)));
        }
        return findings;
    }

    /// <summary>Replaces every identity number in a line by its masked form (for echoing source lines).</summary>
    public static string MaskAll(string text) =>
        Candidate().Replace(text, m => LooksLikeIdentityNumber(m, text) ? Mask(m.Value) : m.Value);

    private static bool LooksLikeIdentityNumber(Match m, string text)
    {
        var hasSeparator = m.Groups["sep"].Value.Length > 0;
        var end = m.Index + m.Length;
        if (!hasSeparator && (PartOfDecimal(text, m.Index - 1, -1) || PartOfDecimal(text, end, +1)))
            return false;
        var mm = int.Parse(m.Groups["mm"].Value);
        var dd = int.Parse(m.Groups["dd"].Value);
        if (mm is < 1 or > 12) return false;
        // Samordningsnummer add 60 to the day.
        var day = dd > 60 ? dd - 60 : dd;
        if (day is < 1 or > 31) return false;
        // With a separator the shape alone identifies a person, even with a mistyped check digit.
        // Without one, demand a valid Luhn check digit so ordinary large numbers pass.
        return hasSeparator || LuhnValid(m.Groups["yy"].Value + m.Groups["mm"].Value + m.Groups["dd"].Value + m.Groups["last"].Value);
    }

    /// <summary>True when the character at <paramref name="at"/> is a '.' or ',' with a digit beyond it: the number goes on.</summary>
    private static bool PartOfDecimal(string text, int at, int step) =>
        at >= 0 && at < text.Length && text[at] is '.' or ',' && at + step >= 0 && at + step < text.Length && char.IsAsciiDigit(text[at + step]);

    internal static bool LuhnValid(string tenDigits)
    {
        var sum = 0;
        for (var i = 0; i < tenDigits.Length; i++)
        {
            var d = tenDigits[i] - '0';
            if (i % 2 == 0) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
        }
        return sum % 10 == 0;
    }

    private static string Mask(string value)
    {
        // Keep the first four characters so the user can find the spot; hide the rest.
        var chars = value.ToCharArray();
        for (var i = 4; i < chars.Length; i++)
            if (char.IsDigit(chars[i])) chars[i] = '*';
        return new string(chars);
    }
}
