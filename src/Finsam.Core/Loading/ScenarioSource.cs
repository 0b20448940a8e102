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
    public ScenarioSource WithOverlay(string path) => this with { Overlay = new OverlaySource(DisplayName(path), File.ReadAllText(path)) };

    /// <summary>Reads a scenario file and the catalog it names (relative to the file).</summary>
    public static ScenarioSource FromFile(string path)
    {
        var text = File.ReadAllText(path);
        var includes = new Dictionary<string, string>(StringComparer.Ordinal);
        // The catalog and the priors file travel with the scenario's text, so a cluster loads the same bytes.
        foreach (var include in new[] { PeekTopLevel(text, "catalog"), PeekTopLevel(text, "priors") })
        {
            if (include is null) continue;
            var full = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", include);
            if (File.Exists(full)) includes[include] = File.ReadAllText(full);
        }
        return new ScenarioSource(DisplayName(path), text, includes);
    }

    public static ScenarioSource FromText(string fileName, string text, IReadOnlyDictionary<string, string>? includes = null) =>
        new(fileName, text, includes ?? new Dictionary<string, string>());

    internal static string DisplayName(string path)
    {
        var rel = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.GetFullPath(path));
        return rel.StartsWith("..", StringComparison.Ordinal) ? path : rel;
    }

    /// <summary>The catalog path, if the file is readable YAML with a top-level 'catalog' key; errors surface later in the loader.</summary>
    /// <summary>The catalog path the text names, if it is readable YAML with a top-level 'catalog' key.</summary>
    public string? CatalogPath() => PeekTopLevel(Text, "catalog");

    private static string? PeekTopLevel(string text, string key)
    {
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
