using System.Globalization;
using Finsam.Core.Loading;
using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Economics;

/// <summary>
/// Reads a scenario's <c>economics:</c> section and the valuation catalog it names
/// (<c>economics: { valuation: catalog/valuation-sweden-2016.yaml, follow_up_years: 5, discount_rate: 3% }</c>).
/// Problems go to the loader's diagnostics with file, line, column and field, like every other scenario error.
/// </summary>
public static class EconomicsReader
{
    public const int MaxFollowUpYears = 50;

    /// <summary>The valuation path a scenario text names, so the file can be shipped with it; null when it names none.</summary>
    public static string? PeekValuationPath(string text)
    {
        if (!YamlLimits.Check("", text, null)) return null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
                && root.Children.TryGetValue(new YamlScalarNode("economics"), out var e) && e is YamlMappingNode em
                && em.Children.TryGetValue(new YamlScalarNode("valuation"), out var v) && v is YamlScalarNode { Value: { Length: > 0 } p })
                return p.Trim();
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            // Syntax errors are reported by the loader.
        }
        return null;
    }

    internal static EconomicsSettings? Read(MapView top, ScenarioSource source, DiagnosticBag bag,
        IReadOnlyList<IncomeState> incomeStates, IReadOnlyCollection<string> occupations)
    {
        var m = top.Child("economics");
        if (m is null) return null;
        var path = m.Str("valuation", required: true);
        var years = m.Int("follow_up_years", min: 0, max: MaxFollowUpYears) ?? 5;
        var rate = m.Number("discount_rate", min: 0, max: 0.5) ?? 0.03;
        m.Done();
        if (path is null) return null;
        if (!source.Includes.TryGetValue(path, out var text))
        {
            m.Reader.Error(m.Get("valuation")!, m.Sub("valuation"), $"valuation catalog '{path}' not found (paths are relative to the scenario file)");
            return null;
        }
        var file = Include(source.FileName, path);
        var catalog = ReadCatalog(file, text, bag, incomeStates, occupations);
        return catalog is null ? null : new EconomicsSettings(catalog, years, rate);
    }

    /// <summary>Reads a valuation catalog; null (with diagnostics) when it has errors.</summary>
    internal static ValuationCatalog? ReadCatalog(string file, string text, DiagnosticBag bag,
        IReadOnlyList<IncomeState> states, IReadOnlyCollection<string> occupations)
    {
        var incomeStates = states.Select(s => s.Id).ToList();
        // The engine follows no counterfactual occupation, so an occupation is valued through the income states
        // whose usual occupation it is (both with and without the förbund); others could never count.
        var usual = states.Select(s => s.Occupation).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var before = bag.Items.Count;
        var r = new YamlReader(file, bag);
        if (!ScenarioYamlParser.Guard(r, text, "a valuation catalog")) return null;
        YamlMappingNode? root = null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            bag.Add(new SourcePos(file, (int)e.Start.Line, (int)e.Start.Column), "", $"YAML syntax error: {PersonnummerGuard.MaskAll(e.InnerException?.Message ?? e.Message)}");
            return null;
        }
        if (root is null)
        {
            bag.Add(new SourcePos(file, 1, 1), "", "a valuation catalog is a mapping starting with 'finsam_valuation: 1'");
            return null;
        }
        var top = new MapView(r, root, "");
        var version = top.Int("finsam_valuation", required: true);
        if (version is not null and not 1) r.Error(top.Get("finsam_valuation")!, "finsam_valuation", "unsupported valuation catalog version; expected 1");
        var name = top.Str("name", required: true) ?? "";
        var year = top.Int("price_year", required: true, min: 1990, max: 2100) ?? 2016;
        var sources = top.List("sources").Select(s =>
        {
            var src = new ValuationSource(s.Str("id", required: true) ?? "", s.Str("title", required: true) ?? "", s.Str("address", required: true) ?? "",
                s.Str("where"), s.Str("read", required: true) ?? "");
            s.Done();
            return src;
        }).ToList();
        var sourceIds = sources.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);

        Valued? Value(MapView? v, string key, double min, double max)
        {
            if (v is null) return null;
            var node = v.Get(key);
            if (node is null) { r.Error(v.Node, v.Sub(key), $"missing required field '{key}'"); return null; }
            var param = r.Param(node, "valuation." + v.Sub(key), min, max);
            var src = v.Str("source", required: true);
            if (src is not null && !sourceIds.Contains(src))
                r.Error(v.Get("source")!, v.Sub("source"), $"unknown source '{src}'{YamlReader.Suggest(src, sourceIds)}; list it under 'sources'");
            var y = v.Int("year", min: 1990, max: 2100) ?? year;
            var why = v.Str("assumption", required: true);
            v.Done();
            return param is null || src is null || why is null ? null : new Valued(param, src, y, why);
        }

        var rates = top.Child("rates", required: true);
        var fee = Value(rates?.Child("employer_fee", required: true), "value", 0, 1);
        var kt = Value(rates?.Child("kommun_tax", required: true), "value", 0, 1);
        var rt = Value(rates?.Child("region_tax", required: true), "value", 0, 1);
        // The state's net income tax on a low wage is negative (the jobbskatteavdrag exceeds state tax).
        var st = Value(rates?.Child("state_tax", required: true), "value", -1, 1);
        rates?.Done();

        List<ResourceUse> Resources(MapView owner) => owner.List("resources", idKey: "item").Select(u =>
        {
            var item = u.Str("item", required: true);
            var sectorWord = u.Str("sector", required: true);
            var sector = SectorNames.Parse(sectorWord);
            if (sectorWord is not null && sector is null)
                r.Error(u.Get("sector")!, u.Sub("sector"), $"unknown sector '{sectorWord}': expected stat, region, kommun or individual");
            var monthly = Value(u, "monthly", 0, 1e7);
            return item is null || sector is null || monthly is null ? null : new ResourceUse(item, sector.Value, monthly);
        }).OfType<ResourceUse>().ToList();

        var valuedStates = top.List("income_states").Select(s =>
        {
            var id = s.Str("id", required: true);
            if (id is not null && !incomeStates.Contains(id))
                r.Error(s.Get("id")!, s.Sub("id"), $"unknown income state '{id}'{YamlReader.Suggest(id, incomeStates)}");
            var wage = s.Has("wage") ? Value(s.Child("wage"), "monthly", 0, 1e7) : null;
            var taxable = s.Bool("taxable") ?? false;
            var resources = Resources(s);
            s.Done();
            return id is null ? null : new StateValuation(id, wage, taxable, resources);
        }).OfType<StateValuation>().ToList();

        var occs = top.List("occupations").Select(o =>
        {
            var id = o.Str("id", required: true);
            if (id is not null && !occupations.Contains(id))
                r.Error(o.Get("id")!, o.Sub("id"), $"unknown occupation '{id}'{YamlReader.Suggest(id, occupations)}");
            else if (id is not null && !usual.Contains(id))
                r.Error(o.Get("id")!, o.Sub("id"), $"occupation '{id}' is no income state's usual occupation, so the account cannot value it (occupations are valued through the income states whose 'occupation' they are)");
            var resources = Resources(o);
            o.Done();
            return id is null ? null : new OccupationValuation(id, resources);
        }).OfType<OccupationValuation>().ToList();
        top.Done();

        foreach (var dup in valuedStates.GroupBy(s => s.Id).Where(g => g.Count() > 1))
            bag.Add(new SourcePos(file, 1, 1), "income_states", $"income state '{dup.Key}' is valued twice");
        if (bag.Items.Count > before || fee is null || kt is null || rt is null || st is null) return null;
        return new ValuationCatalog(file, name, year, sources, fee, kt, rt, st, valuedStates, occs);
    }

    private static string Include(string scenarioFile, string include)
    {
        var dir = Path.GetDirectoryName(scenarioFile);
        return string.IsNullOrEmpty(dir) ? include : Path.GetRelativePath(".", Path.Combine(dir, include));
    }

    internal static string Percent(double rate) => (rate * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
