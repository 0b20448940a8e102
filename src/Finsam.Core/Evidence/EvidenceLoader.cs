using System.Text.RegularExpressions;
using Finsam.Core.Loading;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Evidence;

/// <summary>Thrown when evidence cannot be used; carries every problem found.</summary>
public sealed class EvidenceException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(diagnostics.Count == 1 ? diagnostics[0].ToString() : $"{diagnostics.Count} problems in the evidence; first: {diagnostics[0]}")
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}

/// <summary>
/// Reads evidence files (docs/evidence-format.md) with the scenario loader's <see cref="YamlReader"/>, so
/// every problem has file, line, column and field path. A file without a citation, a number without
/// <c>cite</c>, an unknown kind, tag or category, overlapping groups in one record, or counts that exceed
/// (or, when they claim to be complete, do not add up to) the stated n are refused.
/// </summary>
public static partial class EvidenceLoader
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DatePattern();

    /// <summary>Loads one file's text; throws <see cref="EvidenceException"/> with every problem.</summary>
    public static EvidenceFile Load(string fileName, string text, EvidenceVocabulary vocabulary)
    {
        var bag = new DiagnosticBag();
        var file = Read(fileName, text, vocabulary, bag);
        if (bag.HasErrors || file is null) throw new EvidenceException(bag.Sorted());
        return file;
    }

    /// <summary>Every problem in one file's text (empty when valid).</summary>
    public static IReadOnlyList<Diagnostic> Validate(string fileName, string text, EvidenceVocabulary vocabulary)
    {
        var bag = new DiagnosticBag();
        Read(fileName, text, vocabulary, bag);
        return bag.Sorted();
    }

    /// <summary>
    /// Loads an evidence file or every <c>*.yaml</c> of a folder (sorted by name). The SUS vocabulary is the
    /// catalog found above the path unless given. Returns the library, or null with every problem.
    /// </summary>
    public static (EvidenceLibrary? Library, IReadOnlyList<Diagnostic> Problems) LoadPath(string path, EvidenceVocabulary? vocabulary = null)
    {
        var shown = ScenarioSource.DisplayName(path);
        string[] files;
        if (Directory.Exists(path)) files = Directory.GetFiles(path, "*.yaml").Order(StringComparer.Ordinal).ToArray();
        else if (File.Exists(path)) files = [path];
        else return (null, [new Diagnostic(new SourcePos(shown, 0, 0), "", "file or folder not found")]);
        if (files.Length == 0) return (null, [new Diagnostic(new SourcePos(shown, 0, 0), "", "no evidence files (*.yaml) in this folder")]);
        vocabulary ??= EvidenceVocabulary.FindFrom(path);
        if (vocabulary is null)
            return (null, [new Diagnostic(new SourcePos(shown, 0, 0), "", $"the SUS catalog {EvidenceVocabulary.CatalogPath} was not found in any folder above the evidence")]);
        var bag = new DiagnosticBag();
        var loaded = new List<EvidenceFile>();
        foreach (var f in files)
        {
            string text;
            // Read as scenarios are: bounded, UTF-8 only, never a pipe or device.
            try { text = ScenarioSource.ReadText(f, ScenarioSource.DisplayName(f)); }
            catch (ScenarioException e) { foreach (var d in e.Diagnostics) bag.Add(d.Where, d.Path, d.Message); continue; }
            if (Read(ScenarioSource.DisplayName(f), text, vocabulary, bag) is { } ef) loaded.Add(ef);
        }
        return bag.HasErrors ? (null, bag.Sorted()) : (new EvidenceLibrary(loaded), []);
    }

    /// <summary>True when the text looks like an evidence file (top-level <c>evidence:</c> key), so <c>finsam validate</c> can tell it from a scenario.</summary>
    public static bool LooksLikeEvidence(string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
                && root.Children.ContainsKey(new YamlScalarNode("evidence"));
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            return false;
        }
    }

    private static EvidenceFile? Read(string fileName, string text, EvidenceVocabulary vocabulary, DiagnosticBag bag)
    {
        var r = new YamlReader(fileName, bag);
        var root = Parse(r, text);
        return root is null ? null : new Reader(r, vocabulary, fileName).File(root);
    }

    private static YamlMappingNode? Parse(YamlReader r, string text)
    {
        if (!ScenarioYamlParser.Guard(r, text, "evidence")) return null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            var msg = (e.InnerException?.Message ?? e.Message).Split('\n')[0].Trim();
            r.Bag.Add(new SourcePos(r.File, (int)e.Start.Line, (int)e.Start.Column), "", $"YAML syntax error: {PersonnummerGuard.MaskAll(msg)}");
            return null;
        }
        catch (InvalidOperationException)
        {
            r.Bag.Add(new SourcePos(r.File, 1, 1), "", "YAML syntax error: the file cannot be read as YAML (an unclosed '{' or '[')");
            return null;
        }
        if (stream.Documents.Count == 0)
        {
            r.Bag.Add(new SourcePos(r.File, 1, 1), "", "the file is empty");
            return null;
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            r.Error(stream.Documents[0].RootNode, "", $"expected the file to be a mapping (evidence:, source:, insatser:), found {YamlReader.Describe(stream.Documents[0].RootNode)}");
            return null;
        }
        var complexKeys = stream.Documents[0].AllNodes.OfType<YamlMappingNode>().SelectMany(m => m.Children.Keys).Where(k => k is not YamlScalarNode).ToList();
        foreach (var key in complexKeys) r.Error(key, "", $"expected a name as key, found {YamlReader.Describe(key)}");
        return complexKeys.Count == 0 ? root : null;
    }

    private sealed class Reader(YamlReader r, EvidenceVocabulary v, string fileName)
    {
        private readonly Dictionary<string, EvidenceCategory> _groups = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _groupDimension = new(StringComparer.Ordinal);

        public EvidenceFile? File(YamlMappingNode root)
        {
            var top = new MapView(r, root, "");
            var version = top.Int("evidence", required: true);
            if (version is not null and not 1) r.Error(top.Get("evidence")!, "evidence", $"unsupported evidence format version {version}; this Finsam reads version 1");
            var source = top.Child("source", required: true) is { } s ? Source(s) : null;
            if (top.Child("groups") is { } g) Groups(g);
            var insatser = new List<EvidenceInsats>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var list = top.List("insatser", required: true);
            if (top.Get("insatser") is YamlSequenceNode { Children.Count: 0 } empty) r.Error(empty, "insatser", "at least one insats is needed");
            foreach (var m in list)
                if (Insats(m, source?.Id ?? "") is { } ins)
                {
                    if (!ids.Add(ins.Id)) r.Error(m.Get("id")!, m.Sub("id"), $"insats id '{ins.Id}' is used twice in this file");
                    else insatser.Add(ins);
                }
            top.Done();
            return source is null ? null : new EvidenceFile(fileName, source,
                _groups.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Members.Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal), insatser);
        }

        // ------------------------------------------------------------ source

        private EvidenceSource? Source(MapView m)
        {
            var id = Id(m, "id");
            var expected = Path.GetFileNameWithoutExtension(fileName);
            if (id is not null && fileName.EndsWith(".yaml", StringComparison.Ordinal) && id != expected)
                r.Error(m.Get("id")!, m.Sub("id"), $"the source id '{id}' must equal the file name without .yaml ('{expected}')");
            var title = m.Str("title", required: true);
            var author = m.Str("author");
            var publisher = m.Str("publisher");
            var year = m.Int("year", min: 1900, max: 2100);
            var document = Word(m, "document", EvidenceVocabulary.DocumentKinds, "document kind", required: true);
            var address = m.Str("address");
            var read = m.Str("read");
            var seed = m.Str("seed");
            var note = m.Str("note");
            if (address is null && seed is null)
                r.Error(m.Node, m.Path, "no citation: give source.address and source.read (the date the address was read), or source.seed (a seed text in ../shared/seeds)");
            if (address is not null && read is null)
                r.Error(m.Node, m.Sub("read"), "missing required field 'read': the date the address was read (YYYY-MM-DD)");
            if (read is not null && !DatePattern().IsMatch(read))
                r.Error(m.Get("read")!, m.Sub("read"), $"expected a date like 2026-12-02, found '{read}'");
            m.Done();
            return id is null || title is null || document is null ? null
                : new EvidenceSource(id, title, author, publisher, year, document, address, read, seed, note);
        }

        // ------------------------------------------------------------ groups

        private void Groups(MapView m)
        {
            foreach (var (k, body) in m.Node.Children)
            {
                var name = ((YamlScalarNode)k).Value ?? "";
                var path = m.Sub(name);
                m.Get(name);
                if (!IdPattern().IsMatch(name)) { r.Error(k, path, $"a group name uses a-z, 0-9 and '-' only, found '{name}'"); continue; }
                if (body is not YamlSequenceNode seq || seq.Children.Count == 0)
                {
                    r.Error(body, path, $"expected a list of SUS ids (occupations or income states), found {YamlReader.Describe(body)}");
                    continue;
                }
                var members = new HashSet<string>(StringComparer.Ordinal);
                string? dimension = null;
                var ok = true;
                foreach (var item in seq.Children)
                {
                    var id = (item as YamlScalarNode)?.Value?.Trim() ?? "";
                    var dim = v.IsOccupation(id) ? "occupation" : v.IsIncome(id) ? "income" : null;
                    if (dim is null)
                    {
                        r.Error(item, path, $"unknown SUS id '{id}' in group '{name}'{YamlReader.Suggest(id, [.. v.Occupations, .. v.Incomes])}");
                        ok = false;
                        continue;
                    }
                    if (dimension is not null && dim != dimension)
                    {
                        r.Error(item, path, $"group '{name}' mixes occupations and income states ('{id}' is {(dim == "income" ? "an income state" : "an occupation")}); a group holds one kind");
                        ok = false;
                    }
                    dimension ??= dim;
                    if (!members.Add(id)) r.Error(item, path, $"'{id}' is listed twice in group '{name}'");
                }
                if (!ok || dimension is null) continue;
                _groups[name] = new EvidenceCategory(name, members);
                _groupDimension[name] = dimension;
            }
        }

        // ------------------------------------------------------------ insatser

        private EvidenceInsats? Insats(MapView m, string sourceId)
        {
            var id = Id(m, "id");
            var name = m.Str("name", required: true);
            var forbund = m.Str("forbund");
            var kind = Word(m, "kind", EvidenceVocabulary.InsatsKinds, "kind", required: true);
            var tags = new List<string>();
            foreach (var (tag, node) in m.Names("target_group"))
            {
                if (EvidenceVocabulary.TargetGroupTags.Contains(tag, StringComparer.Ordinal)) tags.Add(tag);
                else r.Error(node, m.Sub("target_group"), $"unknown target-group tag '{tag}'{YamlReader.Suggest(tag, EvidenceVocabulary.TargetGroupTags)}; expected one of: {string.Join(", ", EvidenceVocabulary.TargetGroupTags)}");
            }
            Scenarios.YearMonth? from = null, to = null;
            if (m.Child("period") is { } p)
            {
                from = p.Month("from", required: true);
                to = p.Month("to", required: true);
                Cite(p);
                p.Done();
                if (from is { } f && to is { } t && t < f) r.Error(p.Node, p.Path, $"the period ends ({t}) before it starts ({f})");
            }
            var staffing = new List<Staffing>();
            foreach (var s in m.List("staffing", idKey: "role"))
            {
                var role = s.Str("role", required: true);
                var fte = s.Number("fte", required: true, min: 0);
                Cite(s);
                s.Done();
                if (fte is 0) r.Error(s.Get("fte")!, s.Sub("fte"), "fte must be > 0");
                else if (role is not null && fte is not null) staffing.Add(new Staffing(role, fte.Value));
            }
            var places = Cited(m, "places", whole: false, positive: true);
            var starts = Cited(m, "starts", whole: true, positive: false);
            var ended = Cited(m, "ended", whole: true, positive: false);
            double? stay = null;
            if (m.Child("stay") is { } st)
            {
                stay = st.Number("mean_months", required: true, min: 0);
                if (stay is 0) { r.Error(st.Get("mean_months")!, st.Sub("mean_months"), "a mean stay must be > 0 months"); stay = null; }
                Cite(st);
                st.Done();
            }
            var goal = m.Child("goal") is { } gm ? Goal(gm) : null;
            var records = new List<EvidenceRecord>();
            foreach (var rec in m.List("records"))
                if (Record(rec, starts, ended) is { } er) records.Add(er);
            m.Str("note");
            m.Done();
            return id is null || name is null || kind is null ? null
                : new EvidenceInsats(sourceId, id, name, forbund, kind, tags, from, to, staffing, places, starts, ended, stay, goal, records, r.Pos(m.Node));
        }

        private EvidenceGoal? Goal(MapView m)
        {
            var share = m.Number("share", required: true, min: 0, max: 1);
            var names = m.Names("to");
            if (names.Count == 0 && m.Get("to") is null) r.Error(m.Node, m.Sub("to"), "missing required field 'to'");
            Cite(m);
            m.Done();
            var members = new HashSet<string>(StringComparer.Ordinal);
            var cats = new List<string>();
            foreach (var (name, node) in names)
            {
                var cat = Category(name, node, m.Sub("to"), "occupation");
                if (cat is null) continue;
                cats.Add(name);
                members.UnionWith(cat.Members);
            }
            return share is null || cats.Count == 0 ? null : new EvidenceGoal(share.Value, cats, members);
        }

        // ------------------------------------------------------------ records

        private EvidenceRecord? Record(MapView m, double? starts, double? ended)
        {
            var measure = Word(m, "measure", EvidenceVocabulary.Measures, "measure", required: true);
            var population = Word(m, "population", EvidenceVocabulary.Populations, "population", required: true);
            var nNode = m.Get("n");
            var n = m.Number("n", required: true, min: 0);
            var countsNode = m.Get("counts");
            var sharesNode = m.Get("shares");
            var restText = m.Str("rest");
            var cite = Cite(m);
            m.Str("note");
            string? subMeasure = null;
            HashSet<string>? subMembers = null;
            if (m.Child("subgroup") is { } sg) (subMeasure, subMembers) = Subgroup(sg);
            m.Done();
            if (countsNode is null == sharesNode is null)
            {
                r.Error(m.Node, m.Path, countsNode is null ? "give 'counts' or 'shares'" : "give 'counts' or 'shares', not both");
                return null;
            }
            if (restText is not null and not (EvidenceVocabulary.Unknown or EvidenceVocabulary.StillEnrolled or EvidenceVocabulary.Elsewhere or "none"))
                r.Error(m.Get("rest")!, m.Sub("rest"), $"rest is '{EvidenceVocabulary.Unknown}' (not accounted for), '{EvidenceVocabulary.StillEnrolled}', '{EvidenceVocabulary.Elsewhere}' (to categories the record does not name) or 'none' (the counts cover all n), found '{restText}'");
            if (measure is null || n is null) return null;
            if (population is "ended" && ended is { } e && n > e + 1e-9)
                r.Error(nNode!, m.Sub("n"), $"n = {YamlReader.Fmt(n.Value)} exceeds the insats's ended = {YamlReader.Fmt(e)}");
            if (population is "started" && starts is { } s && n > s + 1e-9)
                r.Error(nNode!, m.Sub("n"), $"n = {YamlReader.Fmt(n.Value)} exceeds the insats's starts = {YamlReader.Fmt(s)}");

            var isShares = sharesNode is not null;
            var key = isShares ? "shares" : "counts";
            var body = (countsNode ?? sharesNode)!;
            var path = m.Sub(key);
            var transition = measure is EvidenceVocabulary.OccupationTransition or EvidenceVocabulary.IncomeTransition;
            var dimension = EvidenceVocabulary.Dimension(measure);
            var cells = new List<EvidenceCell>();
            if (body is not YamlMappingNode map || map.Children.Count == 0)
            {
                r.Error(body, path, $"expected a mapping of category: {(isShares ? "share" : "count")}, found {YamlReader.Describe(body)}");
                return null;
            }
            var ok = true;
            var seenTo = new List<(EvidenceCategory Cat, YamlNode Node, string Path)>();
            var seenFrom = new List<(EvidenceCategory Cat, YamlNode Node, string Path)>();
            var allTo = new List<(EvidenceCategory Cat, YamlNode Node, string Path)>();   // exit categories over all rows of a cross-table
            foreach (var (k, val) in map.Children)
            {
                var name = ((YamlScalarNode)k).Value ?? "";
                var cpath = $"{path}.{name}";
                var cat = Category(name, k, cpath, dimension, measure);
                if (transition)
                {
                    if (cat is not null) ok &= NoOverlap(seenFrom, cat, k, cpath);
                    if (val is not YamlMappingNode row)
                    {
                        r.Error(val, cpath, $"a cross-table row is a mapping of exit category: count, found {YamlReader.Describe(val)}");
                        ok = false;
                        continue;
                    }
                    var rowSeen = new List<(EvidenceCategory, YamlNode, string)>();
                    foreach (var (k2, v2) in row.Children)
                    {
                        var name2 = ((YamlScalarNode)k2).Value ?? "";
                        var c2path = $"{cpath}.{name2}";
                        var cat2 = Category(name2, k2, c2path, dimension, measure);
                        var x = Amount(v2, c2path, isShares);
                        if (cat2 is not null) ok &= NoOverlap(rowSeen, cat2, k2, c2path)
                            && NoOverlap(allTo.Where(t => t.Cat.Name != cat2.Name).ToList(), cat2, k2, c2path);
                        if (cat2 is not null && allTo.All(t => t.Cat.Name != cat2.Name)) allTo.Add((cat2, k2, c2path));
                        if (cat is null || cat2 is null || x is null) { ok = false; continue; }
                        cells.Add(new EvidenceCell(cat, cat2, x.Value));
                    }
                    if (cat is null) ok = false;
                    continue;
                }
                var amount = Amount(val, cpath, isShares);
                if (cat is not null) ok &= NoOverlap(seenTo, cat, k, cpath);
                if (cat is null || amount is null) { ok = false; continue; }
                cells.Add(new EvidenceCell(null, cat, amount.Value));
            }
            if (!ok) return null;

            var total = cells.Sum(c => c.Count);
            if (isShares)
            {
                if (total > 1.005)
                {
                    r.Error(body, path, $"the shares add up to {YamlReader.Fmt(Math.Round(total * 100, 2))} %, more than 100 %");
                    return null;
                }
                cells = cells.Select(c => c with { Count = Math.Round(c.Count * n.Value) }).ToList();
                total = cells.Sum(c => c.Count);
            }
            else if (total > n + 1e-9)
            {
                r.Error(body, path, $"the counts add up to {YamlReader.Fmt(total)}, more than n = {YamlReader.Fmt(n.Value)}");
                return null;
            }
            var claimsComplete = restText == "none" || cells.Any(c => c.Category.IsSpecial || c.From?.IsSpecial == true);
            var tolerance = isShares ? cells.Count * 0.5 + 1e-9 : 1e-9;
            if (claimsComplete && Math.Abs(total - n.Value) > tolerance)
            {
                r.Error(body, path, $"the counts add up to {YamlReader.Fmt(total)}, not n = {YamlReader.Fmt(n.Value)}; " +
                    (restText == "none" ? "rest: none says they cover everyone" : $"a record that counts {EvidenceVocabulary.Unknown} or {EvidenceVocabulary.StillEnrolled} itself must account for all n"));
                return null;
            }
            var rest = Math.Max(0, n.Value - total);
            return new EvidenceRecord(measure, population ?? "ended", n.Value, cells, claimsComplete ? 0 : rest,
                restText is null or "none" ? EvidenceVocabulary.Unknown : restText, subMeasure, subMembers, cite ?? "", r.Pos(m.Node));
        }

        private (string?, HashSet<string>?) Subgroup(MapView m)
        {
            string? measure = null;
            HashSet<string>? members = null;
            foreach (var key in new[] { EvidenceVocabulary.StartOccupation, EvidenceVocabulary.StartIncome })
            {
                var names = m.Names(key);
                if (names.Count == 0) continue;
                if (measure is not null) { r.Error(m.Node, m.Path, "a subgroup is defined by start_occupation or start_income, not both"); break; }
                measure = key;
                members = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (name, node) in names)
                    if (Category(name, node, m.Sub(key), EvidenceVocabulary.Dimension(key)) is { } c) members.UnionWith(c.Members);
            }
            if (measure is null) r.Error(m.Node, m.Path, "a subgroup needs start_occupation: [ids] or start_income: [ids]");
            m.Done();
            return (measure, members);
        }

        private double? Amount(YamlNode node, string path, bool share) =>
            r.Number(node, path, 0, share ? 1 : double.PositiveInfinity, share ? "a share (0.52 or 52%)" : "a count");

        /// <summary>A record's category: a SUS id of the measure's dimension, a group of the file, Okänt or Kvar i insats, or the measure's own words.</summary>
        private EvidenceCategory? Category(string name, YamlNode node, string path, string? dimension, string? measure = null)
        {
            if (name is EvidenceVocabulary.Unknown or EvidenceVocabulary.StillEnrolled)
                return new EvidenceCategory(name, new HashSet<string>());
            string[] known;
            if (dimension is null)
            {
                known = measure == EvidenceVocabulary.ExitReason ? EvidenceVocabulary.ExitReasons : [.. EvidenceVocabulary.TimeBands.Keys];
                if (known.Contains(name, StringComparer.Ordinal)) return new EvidenceCategory(name, new HashSet<string>([name]));
                r.Error(node, path, $"unknown category '{name}' for {measure}{YamlReader.Suggest(name, known)}; expected one of: {string.Join(", ", known)}, {EvidenceVocabulary.Unknown}");
                return null;
            }
            var sus = dimension == "occupation" ? v.Occupations : v.Incomes;
            if (sus.Contains(name, StringComparer.Ordinal)) return new EvidenceCategory(name, new HashSet<string>([name]));
            if (_groups.TryGetValue(name, out var group))
            {
                if (_groupDimension[name] == dimension) return group;
                r.Error(node, path, $"group '{name}' holds {(dimension == "occupation" ? "income states" : "occupations")}, but this field counts {(dimension == "occupation" ? "occupations" : "income states")}");
                return null;
            }
            var other = dimension == "occupation" ? v.Incomes : v.Occupations;
            var hint = other.Contains(name, StringComparer.Ordinal)
                ? $" ('{name}' is {(dimension == "occupation" ? "an income state" : "an occupation")}; this field counts {(dimension == "occupation" ? "occupations" : "income states")})"
                : YamlReader.Suggest(name, [.. sus, .. _groups.Keys]);
            r.Error(node, path, $"unknown category '{name}'{hint}; expected a SUS {dimension} id of the catalog, a group of this file, {EvidenceVocabulary.Unknown} or {EvidenceVocabulary.StillEnrolled}");
            return null;
        }

        private bool NoOverlap(List<(EvidenceCategory Cat, YamlNode Node, string Path)> seen, EvidenceCategory cat, YamlNode node, string path)
        {
            foreach (var (other, _, _) in seen)
            {
                var common = other.Members.Intersect(cat.Members, StringComparer.Ordinal).Order(StringComparer.Ordinal).FirstOrDefault();
                if (common is null) continue;
                r.Error(node, path, $"'{cat.Name}' overlaps '{other.Name}' (both hold '{common}'); within a record each SUS category may be counted under one name only");
                return false;
            }
            seen.Add((cat, node, path));
            return true;
        }

        // ------------------------------------------------------------ small parts

        private string? Id(MapView m, string key)
        {
            var id = m.Str(key, required: true);
            if (id is not null && !IdPattern().IsMatch(id))
            {
                r.Error(m.Get(key)!, m.Sub(key), $"an id uses a-z, 0-9 and '-' only, found '{id}'");
                return null;
            }
            return id;
        }

        private string? Word(MapView m, string key, string[] allowed, string what, bool required)
        {
            var word = m.Str(key, required);
            if (word is null || allowed.Contains(word, StringComparer.Ordinal)) return word;
            r.Error(m.Get(key)!, m.Sub(key), $"unknown {what} '{word}'{YamlReader.Suggest(word, allowed)}; expected one of: {string.Join(", ", allowed)}");
            return null;
        }

        private string? Cite(MapView m)
        {
            if (m.Get("cite") is null)
            {
                r.Error(m.Node, m.Sub("cite"), "missing required field 'cite': every number needs its page, table or section");
                return null;
            }
            return m.Str("cite");
        }

        /// <summary>A cited number, <c>{ value: 67, cite: "p. 3" }</c>.</summary>
        private double? Cited(MapView parent, string key, bool whole, bool positive)
        {
            var m = parent.Child(key);
            if (m is null) return null;
            var value = whole ? m.Int("value", required: true, min: 0) : m.Number("value", required: true, min: 0);
            Cite(m);
            m.Done();
            if (positive && value is 0) { r.Error(m.Get("value")!, m.Sub("value"), $"{key} must be > 0"); return null; }
            return value;
        }
    }
}
