using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>
/// The text of a scenario file and of the catalog it includes. Loading works on this, not on disk,
/// so the same bytes can be shipped to a cluster and loaded identically there.
/// </summary>
public sealed record ScenarioSource(string FileName, string Text, IReadOnlyDictionary<string, string> Includes)
{
    /// <summary>An overlay applied after the variant (fitted values from <c>finsam calibrate</c>), or null.</summary>
    public OverlaySource? Overlay { get; init; }

    /// <summary>The same scenario with an overlay file read from disk.</summary>
    public ScenarioSource WithOverlay(string path) => this with { Overlay = new OverlaySource(DisplayName(path), ReadText(path, DisplayName(path))) };

    /// <summary>Reads a scenario file and the catalog it names (relative to the file).</summary>
    /// <exception cref="ScenarioException">A file over the size limit or not UTF-8 text.</exception>
    public static ScenarioSource FromFile(string path)
    {
        var shown = DisplayName(path);
        var text = ReadText(path, shown);
        var includes = new Dictionary<string, string>(StringComparer.Ordinal);
        // The catalog and the priors file travel with the scenario's text, so a cluster loads the same bytes.
        foreach (var include in new[] { PeekTopLevel(text, "catalog"), PeekTopLevel(text, "priors") })
        {
            if (include is null) continue;
            var full = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", include);
            if (File.Exists(full)) includes[include] = ReadText(full, DisplayName(full));
        }
        if (Economics.EconomicsReader.PeekValuationPath(text) is { } valuation)
        {
            var full = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", valuation);
            if (File.Exists(full)) includes[valuation] = ReadText(full, DisplayName(full));
        }
        return new ScenarioSource(shown, text, includes);
    }

    /// <summary>
    /// A file's text, refused when it is over <see cref="WorkBudget.MaxFileBytes"/> (checked before reading it)
    /// or not UTF-8 (the API refuses such bodies too; a Latin-1 'å' would otherwise become '\uFFFD' silently).
    /// </summary>
    /// <exception cref="ScenarioException">With the file's name and, for bad bytes, the line and column.</exception>
    public static string ReadText(string path, string shown)
    {
        static ScenarioException Refused(string shown, string message) => new([new Diagnostic(new SourcePos(shown, 1, 1), "", message)]);
        var tooLarge = $"the file is larger than {WorkBudget.MaxFileBytes / 1024} KiB; a scenario, catalog or overlay may be at most {WorkBudget.MaxFileBytes / 1024} KiB";
        if (Directory.Exists(path)) throw Refused(shown, "this is a folder, not a file; give the path of a YAML file");
        var info = new FileInfo(path);
        try
        {
            if (info.Length > WorkBudget.MaxFileBytes) throw Refused(shown, tooLarge);
            // Nothing to read, or not a regular file (a pipe or a device reports length 0 and could block or never end):
            // either way there is no scenario, and opening it could hang.
            if (info.Length == 0) return "";
            // Read at most one byte over the limit, whatever the length said.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            var bytes = new MemoryStream((int)info.Length);
            var chunk = new byte[64 * 1024];
            for (int n; bytes.Length <= WorkBudget.MaxFileBytes && (n = stream.Read(chunk, 0, chunk.Length)) > 0;) bytes.Write(chunk, 0, n);
            if (bytes.Length > WorkBudget.MaxFileBytes) throw Refused(shown, tooLarge);
            return DecodeUtf8(bytes.GetBuffer().AsSpan(0, (int)bytes.Length), shown);
        }
        catch (FileNotFoundException)
        {
            throw Refused(shown, "file not found (a link that points nowhere?)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Refused(shown, $"the file cannot be read: {e.Message.TrimEnd('.')}");
        }
    }

    /// <summary>UTF-8 bytes (with or without a byte-order mark) as text; anything else is refused at the first bad byte.</summary>
    /// <exception cref="ScenarioException">Where the first byte that is not UTF-8 sits.</exception>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string shown)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        var strict = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);
        try
        {
            return strict.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            // The valid prefix gives the line and column of the first bad byte.
            _ = System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
            var prefix = System.Text.Encoding.UTF8.GetString(bytes[..read]);
            var line = 1 + prefix.Count(c => c == '\n');
            var column = prefix.Length - (prefix.LastIndexOf('\n') + 1) + 1;
            throw new ScenarioException([new Diagnostic(new SourcePos(shown, line, column), "",
                $"the file is not UTF-8 text (byte 0x{bytes[read]:X2} here); save it as UTF-8")]);
        }
    }

    public static ScenarioSource FromText(string fileName, string text, IReadOnlyDictionary<string, string>? includes = null) =>
        new(fileName, text, includes ?? new Dictionary<string, string>());

    internal static string DisplayName(string path)
    {
        var rel = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.GetFullPath(path));
        return rel.StartsWith("..", StringComparison.Ordinal) ? path : rel;
    }

    /// <summary>The catalog path the text names, if it is readable YAML with a top-level 'catalog' key.</summary>
    public string? CatalogPath() => PeekTopLevel(Text, "catalog");

    private static string? PeekTopLevel(string text, string key)
    {
        if (!YamlLimits.Check("", text, null)) return null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
                && root.Children.TryGetValue(new YamlScalarNode(key), out var c) && c is YamlScalarNode { Value: { Length: > 0 } p })
                return p;
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            // YamlDotNet throws InvalidOperationException on some unclosed '{' or '['.
        }
        return null;
    }
}

/// <summary>
/// The text of a scenario overlay: <c>finsam_overlay: 1</c>, the <c>base</c> scenario it was made for,
/// a <c>source</c> saying how it was produced, and <c>set:</c> overrides with the variants' path syntax.
/// </summary>
public sealed record OverlaySource(string FileName, string Text);
