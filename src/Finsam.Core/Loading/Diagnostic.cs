namespace Finsam.Core.Loading;

/// <summary>A position in a scenario file (1-based line and column).</summary>
public readonly record struct SourcePos(string File, int Line, int Column)
{
    public static readonly SourcePos None = new("", 0, 0);
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>
/// One problem found in a scenario: where it is, which field, and what was expected. This is the
/// masking point of the loader: every position, path and message is passed through
/// <see cref="PersonnummerGuard.MaskAll"/> here, so no suggestion list, echoed key or id in any
/// diagnostic — and so no CLI line, API answer or log made from one — can carry an identity number.
/// </summary>
public sealed record Diagnostic
{
    public Diagnostic(SourcePos where, string path, string message)
    {
        Where = where with { File = Printable(PersonnummerGuard.MaskAll(where.File)) };
        Path = Printable(PersonnummerGuard.MaskAll(Shorten(path)));
        Message = Printable(PersonnummerGuard.MaskAll(Shorten(message)));
    }

    /// <summary>
    /// The text with control and invisible characters shown as <c>\u001B</c>: a message quotes the user's text, and
    /// an ESC or a backspace written raw to a terminal could hide or rewrite what is shown.
    /// </summary>
    public static string Printable(string s)
    {
        if (!s.Any(Hidden)) return s;
        var b = new System.Text.StringBuilder(s.Length + 16);
        foreach (var c in s)
            if (Hidden(c)) b.Append($"\\u{(int)c:X4}");
            else b.Append(c);
        return b.ToString();
    }

    // Control characters, and characters that print as nothing or as a plain space (a zero-width space in a key,
    // a no-break space, a right-to-left mark): shown as codes so "unknown key 'horizon'" says why.
    private static bool Hidden(char c) =>
        ScenarioYamlParser.IsRefusedControl(c) || c == '\u00A0' || c == '\u00AD'
        || (c > '\u007F' && char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.SpaceSeparator or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator);

    public SourcePos Where { get; }
    public string Path { get; }
    public string Message { get; }

    // Messages quote the user's text; a limit keeps one diagnostic one readable line.
    private const int MaxChars = 600;

    private static string Shorten(string s) => s.Length <= MaxChars ? s : s[..MaxChars] + "…";

    public override string ToString() =>
        string.IsNullOrEmpty(Path) ? $"{Where}: {Message}" : $"{Where}: {Path}: {Message}";
}

/// <summary>Collects every problem so a user sees them all at once, not one per attempt.</summary>
public sealed class DiagnosticBag
{
    /// <summary>Most problems kept: a hostile file with 100 000 of them gets the first ones, not a flood.</summary>
    public const int MaxItems = 500;

    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Count > 0 || Dropped > 0;

    /// <summary>Problems found beyond <see cref="MaxItems"/>.</summary>
    public int Dropped { get; private set; }

    public void Add(SourcePos where, string path, string message)
    {
        if (_items.Count < MaxItems) _items.Add(new Diagnostic(where, path, message));
        else Dropped++;
    }

    /// <summary>Diagnostics in file order, so the report reads top to bottom.</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        _items.Distinct()
            .OrderBy(d => d.Where.File, StringComparer.Ordinal)
            .ThenBy(d => d.Where.Line).ThenBy(d => d.Where.Column)
            .ThenBy(d => d.Path, StringComparer.Ordinal)
            .ToList();
}

/// <summary>Thrown when a scenario cannot be used; carries every diagnostic found.</summary>
public sealed class ScenarioException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(diagnostics.Count == 1 ? diagnostics[0].ToString() : $"{diagnostics.Count} problems in scenario; first: {diagnostics[0]}")
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
