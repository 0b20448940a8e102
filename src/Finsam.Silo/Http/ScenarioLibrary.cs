using Finsam.Core.Loading;

namespace Finsam.Silo.Http;

/// <summary>A shipped scenario as the page lists it.</summary>
public sealed record ScenarioEntry(string File, string Name, IReadOnlyList<VariantEntry> Variants, IReadOnlyList<InsatsEntry> Insatser);

public sealed record VariantEntry(string Name, string? Description);

public sealed record InsatsEntry(string Id, string Name, string Kind);

/// <summary>
/// The scenarios folder the web page offers, and the catalogs uploaded scenarios may name
/// (resolved against the same folder, never outside it).
/// </summary>
public sealed class ScenarioLibrary(HttpOptions options)
{
    public string? Directory { get; } = Locate(options.Scenarios);

    private sealed record Listing(string Stamp, IReadOnlyList<ScenarioEntry> Entries);

    private volatile Listing? _listed;

    /// <summary>The folder's valid scenarios; loaded again only when a file there changes (a burst of page loads parses them once).</summary>
    public IReadOnlyList<ScenarioEntry> List()
    {
        if (Directory is null) return [];
        var stamp = string.Join('|', System.IO.Directory.GetFiles(Directory, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => $"{f}:{File.GetLastWriteTimeUtc(f).Ticks}:{new FileInfo(f).Length}"));
        if (_listed is { } cached && cached.Stamp == stamp) return cached.Entries;
        var entries = Load(Directory);
        _listed = new Listing(stamp, entries);
        return entries;
    }

    private List<ScenarioEntry> Load(string directory)
    {
        var entries = new List<ScenarioEntry>();
        foreach (var path in System.IO.Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            try
            {
                entries.Add(Describe(Path.GetFileName(path), ScenarioLoader.Load(Source(Path.GetFileName(path))!)));
            }
            catch (ScenarioException)
            {
                // A broken file in the folder is not offered; `finsam validate` tells what is wrong.
            }
        }
        return entries;
    }

    /// <summary>What the page shows of a scenario: its name, variants and insatser.</summary>
    public static ScenarioEntry Describe(string file, Core.Scenarios.Scenario s) =>
        new(file, s.Name,
            s.Variants.Select(v => new VariantEntry(v.Name, v.Description)).ToList(),
            s.Insatser.Select(i => new InsatsEntry(i.Id, i.Name, i.Kind.ToString().ToLowerInvariant())).ToList());

    /// <summary>A shipped scenario by file name, or null when there is no such file.</summary>
    public ScenarioSource? Source(string file)
    {
        // Only the folder's .yaml files: never another file that happens to sit there, never a path out of it.
        if (Directory is null || file.Contains('/', StringComparison.Ordinal) || file.Contains('\\', StringComparison.Ordinal) || file.StartsWith('.')
            || !file.EndsWith(".yaml", StringComparison.Ordinal)) return null;
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path)) return null;
        var source = ScenarioSource.FromFile(path);
        return source with { FileName = $"scenarios/{file}" };
    }

    /// <summary>An uploaded scenario, with the catalog and valuation catalog it names taken from the scenarios folder.</summary>
    public ScenarioSource Uploaded(string text, string fileName)
    {
        var includes = new Dictionary<string, string>(StringComparer.Ordinal);
        var named = new[] { ScenarioSource.FromText(fileName, text).CatalogPath(), Core.Economics.EconomicsReader.PeekValuationPath(text) };
        foreach (var include in named)
        {
            if (include is null || Directory is null) continue;
            var full = Path.GetFullPath(Path.Combine(Directory, include));
            if (full.StartsWith(Path.GetFullPath(Directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full))
                includes[include] = ScenarioSource.ReadText(full, include);
        }
        return ScenarioSource.FromText(fileName, text, includes);
    }

    private static string? Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return System.IO.Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        foreach (var start in new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "scenarios");
                if (File.Exists(Path.Combine(candidate, "example-forbund.yaml"))) return candidate;
            }
        return null;
    }
}
