using System.Globalization;
using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>
/// Turns scenario YAML into a validated <see cref="Scenario"/>. Every problem is collected with its
/// file, line, column and field path; if there is any, nothing is returned and nothing runs.
/// <see cref="ScenarioBuilder"/> reads one file; each section has its own reader (<c>*Reader.cs</c>)
/// sharing a <see cref="ReadingContext"/>, and <see cref="IdRegistry"/> knows every id.
/// </summary>
public static class ScenarioLoader
{
    public const int MaxMonths = 600;

    public static Scenario Load(string path, string? variant = null)
    {
        if (!File.Exists(path))
            throw new ScenarioException([new Diagnostic(new SourcePos(path, 0, 0), "", "file not found")]);
        return Load(ScenarioSource.FromFile(path), variant);
    }

    public static Scenario Load(ScenarioSource source, string? variant = null)
    {
        var bag = new DiagnosticBag();
        var scenario = new ScenarioBuilder(source, bag).Build(variant);
        if (bag.HasErrors || scenario is null) throw new ScenarioException(bag.Sorted());
        return scenario;
    }

    /// <summary>Checks the base scenario and every variant; returns all problems (empty when valid).</summary>
    public static IReadOnlyList<Diagnostic> Validate(ScenarioSource source)
    {
        // An overlay fitted with a variant is checked with that variant only.
        if (source.Overlay is { } ov && OverlayVariant(ov) is { } fitted)
        {
            var one = new DiagnosticBag();
            new ScenarioBuilder(source, one).Build(fitted);
            return one.Sorted();
        }
        var bag = new DiagnosticBag();
        var scenario = new ScenarioBuilder(source, bag).Build(null);
        if (scenario is not null && !bag.HasErrors)
            foreach (var v in scenario.Variants)
            {
                // A problem that only the variant causes may sit in the base part of the file: name the variant.
                var variantBag = new DiagnosticBag();
                new ScenarioBuilder(source, variantBag).Build(v.Name);
                foreach (var d in variantBag.Items)
                    bag.Add(d.Where, d.Path, d.Path.StartsWith("variants", StringComparison.Ordinal) ? d.Message : $"{d.Message} (with variant '{v.Name}')");
            }
        return bag.Sorted();
    }

    /// <summary>The variant an overlay names (it was fitted with), if it is readable and names one.</summary>
    public static string? OverlayVariant(OverlaySource overlay)
    {
        if (!YamlLimits.Check(overlay.FileName, overlay.Text, null)) return null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(overlay.Text));
            return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
                && root.Children.TryGetValue(new YamlScalarNode("variant"), out var v) && v is YamlScalarNode { Value: { Length: > 0 } name }
                ? name.Trim() : null;
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            return null;
        }
    }
}
