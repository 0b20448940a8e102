namespace Finsam.Core.Loading;

/// <summary>A position in a scenario file (1-based line and column).</summary>
public readonly record struct SourcePos(string File, int Line, int Column)
{
    public static readonly SourcePos None = new("", 0, 0);
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>One problem found in a scenario: where it is, which field, and what was expected.</summary>
public sealed record Diagnostic(SourcePos Where, string Path, string Message)
{
    public override string ToString() =>
        string.IsNullOrEmpty(Path) ? $"{Where}: {Message}" : $"{Where}: {Path}: {Message}";
}

/// <summary>Collects every problem so a user sees them all at once, not one per attempt.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Count > 0;

    public void Add(SourcePos where, string path, string message) => _items.Add(new Diagnostic(where, path, message));

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
