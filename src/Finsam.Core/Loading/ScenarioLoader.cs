using System.Globalization;
using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>
/// Turns scenario YAML into a validated <see cref="Scenario"/>. Every problem is collected with its
/// file, line, column and field path; if there is any, nothing is returned and nothing runs.
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
        var scenario = new Builder(source, bag).Build(variant);
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
            new Builder(source, one).Build(fitted);
            return one.Sorted();
        }
        var bag = new DiagnosticBag();
        var scenario = new Builder(source, bag).Build(null);
        if (scenario is not null && !bag.HasErrors)
            foreach (var v in scenario.Variants)
            {
                // A problem that only the variant causes may sit in the base part of the file: name the variant.
                var variantBag = new DiagnosticBag();
                new Builder(source, variantBag).Build(v.Name);
                foreach (var d in variantBag.Items)
                    bag.Add(d.Where, d.Path, d.Path.StartsWith("variants", StringComparison.Ordinal) ? d.Message : $"{d.Message} (with variant '{v.Name}')");
            }
        return bag.Sorted();
    }

    /// <summary>The variant an overlay names (it was fitted with), if it is readable and names one.</summary>
    public static string? OverlayVariant(OverlaySource overlay)
    {
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

    private sealed class Builder(ScenarioSource source, DiagnosticBag bag)
    {
        private readonly YamlReader _r = new(source.FileName, bag);
        private readonly Dictionary<string, PartyKind> _partyKinds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, InsatsKind?> _insatser = new(StringComparer.Ordinal);
        private readonly Dictionary<string, bool> _fteInsatser = new(StringComparer.Ordinal);
        private readonly HashSet<string> _lines = new(StringComparer.Ordinal);
        private readonly HashSet<string> _groups = new(StringComparer.Ordinal);
        private readonly HashSet<string> _incomes = new(StringComparer.Ordinal);
        private readonly HashSet<string> _occupations = new(StringComparer.Ordinal);
        private readonly HashSet<string> _payers = new(StringComparer.Ordinal);
        private readonly HashSet<string> _ages = new(StringComparer.Ordinal);
        private readonly HashSet<string> _exitModels = new(StringComparer.Ordinal);
        private YearMonth _start;
        private int _months;
        // False when the horizon could not be read: checks against it would only report follow-on noise.
        private bool _horizonKnown;

        public Scenario? Build(string? variant)
        {
            var root = Parse(_r, source.Text);
            if (root is null) return null;

            var variants = ReadVariants(root, variant);
            var overlay = source.Overlay is { } ov ? ApplyOverlay(root, ov, variant) : null;
            var top = new MapView(_r, root, "");
            var version = top.Int("finsam");
            if (version is not null and not 1)
                _r.Error(top.Get("finsam")!, "finsam", $"unsupported format version {version}; this Finsam reads version 1");

            var catalog = LoadCatalog(top);

            var forbund = top.Child("forbund", required: true);
            var name = forbund?.Str("name", required: true) ?? "";
            var citation = forbund?.Str("source");
            forbund?.Done();

            var horizon = top.Child("horizon", required: true);
            var start = horizon?.Month("start", required: true);
            _start = start ?? new YearMonth(2000, 1);
            var monthsNode = horizon?.Get("months");
            _months = 1;
            if (horizon is not null && monthsNode is null)
                _r.Error(horizon.Node, "horizon.months", "missing required field 'months'");
            else if (monthsNode is not null && _r.Number(monthsNode, "horizon.months", what: "a whole number of months") is { } m)
            {
                if (m <= 0) _r.Error(monthsNode, "horizon.months", $"the horizon must be at least 1 month, found {YamlReader.Fmt(m)}");
                else if (m > MaxMonths || m != Math.Floor(m)) _r.Error(monthsNode, "horizon.months", $"expected a whole number of months between 1 and {MaxMonths}");
                else
                {
                    _months = (int)m;
                    _horizonKnown = start is not null;
                }
            }
            horizon?.Done();

            var seed = ReadSeed(top);
            var replicates = top.Int("replicates", min: 1, max: 100_000) ?? 100;

            // First pass: every id that can be referred to, so references can be checked in one go.
            CollectIds(top.Get("parties"), "parties", _ => { });
            foreach (var (id, node) in IdNodes(top.Get("parties")))
                _partyKinds[id] = Keyword.PartyKinds.Parse((node as YamlMappingNode)?.Children.TryGetValue(new YamlScalarNode("kind"), out var k) == true ? (k as YamlScalarNode)?.Value : null) ?? PartyKind.Kommun;
            CollectIds(top.Get("insatser"), "insatser", id => { });
            foreach (var (id, node) in IdNodes(top.Get("insatser")))
            {
                var map = node as YamlMappingNode;
                var kind = map?.Children.TryGetValue(new YamlScalarNode("kind"), out var k) == true ? (k as YamlScalarNode)?.Value : null;
                _insatser[id] = Keyword.InsatsKinds.Parse(kind);
                _fteInsatser[id] = map?.Children.TryGetValue(new YamlScalarNode("capacity"), out var c) == true
                    && c is YamlMappingNode cm && cm.Children.ContainsKey(new YamlScalarNode("fte"));
            }
            CollectIds(top.Get("target_groups"), "target_groups", id => _groups.Add(id));
            CollectIds(top.Get("exit_models"), "exit_models", id => _exitModels.Add(id));
            var budgetNode = top.Get("budget") as YamlMappingNode;
            if (budgetNode is not null && budgetNode.Children.TryGetValue(new YamlScalarNode("lines"), out var linesNode))
                CollectIds(linesNode, "budget.lines", id => _lines.Add(id));
            foreach (var id in catalog.PayerIds) _payers.Add(id);
            foreach (var id in catalog.IncomeIds) _incomes.Add(id);
            foreach (var id in catalog.OccupationIds) _occupations.Add(id);
            CollectIds(top.Get("payers"), "payers", id => _payers.Add(id));
            CollectIds(top.Get("income_states"), "income_states", id => _incomes.Add(id));
            CollectIds(top.Get("occupations"), "occupations", id => _occupations.Add(id));
            foreach (var g in top.Get("target_groups") is YamlSequenceNode gs ? gs.Children.OfType<YamlMappingNode>() : [])
                if (g.Children.TryGetValue(new YamlScalarNode("age"), out var age) && age is YamlMappingNode am)
                    foreach (var key in FlattenMixKeys(am)) _ages.Add(key);

            // Second pass: read everything, checking references and ranges as we go.
            var payers = Merge(catalog.Payers, top.List("payers").Select(ReadPayer));
            var incomeStates = Merge(catalog.IncomeStates, top.List("income_states").Select(m => ReadIncomeState(m)));
            var occupations = Merge(catalog.Occupations, top.List("occupations").Select(m => ReadOccupation(m)));
            if (incomeStates.Count == 0)
                _r.Error(root, "income_states", "no income states: name a catalog or list income_states");
            if (occupations.Count == 0)
                _r.Error(root, "occupations", "no occupations: name a catalog or list occupations");

            var parties = ReadParties(top);
            var budget = ReadBudget(top, parties);
            var groups = top.List("target_groups", required: true).Select(ReadTargetGroup).OfType<TargetGroup>().ToList();
            var exitModels = top.List("exit_models").Select(m => ReadExitModel(m, occupations)).OfType<ExitModel>().ToList();
            var insatser = top.List("insatser", required: true).Select(ReadInsats).OfType<Insats>().ToList();
            var referrals = ReadReferrals(top);
            var baseline = ReadBaseline(top);
            var recorded = top.List("recorded").Select(ReadRecorded).OfType<RecordedResult>().ToList();
            CheckDuplicates(top.Get("recorded"), "recorded");
            top.Get("variants"); // read in ReadVariants
            top.Get("catalog");
            var economics = Economics.EconomicsReader.Read(top, source, bag, incomeStates, _occupations); // src/Finsam.Core/Economics
            top.Done();

            if (top.Get("target_groups") is YamlSequenceNode { Children.Count: 0 } emptyGroups)
                _r.Error(emptyGroups, "target_groups", "at least one target group is needed");

            if (bag.HasErrors) return null;
            return new Scenario
            {
                File = source.FileName,
                Name = name,
                Source = citation,
                Variant = variant,
                Overlay = overlay,
                Start = _start,
                Months = _months,
                Seed = seed,
                Replicates = replicates,
                Parties = parties,
                Budget = budget!,
                Payers = payers,
                IncomeStates = incomeStates,
                Occupations = occupations,
                TargetGroups = groups,
                Referrals = referrals,
                Insatser = insatser,
                Baseline = baseline,
                Recorded = recorded,
                Variants = variants,
                ExitModels = exitModels,
                Economics = economics,
            };
        }

        // ---------------------------------------------------------------- parsing and variants

        private static YamlMappingNode? Parse(YamlReader r, string text)
        {
            foreach (var f in PersonnummerGuard.Scan(text))
                r.Bag.Add(new SourcePos(r.File, f.Line, f.Column), "",
                    $"a Swedish personal identity number ({f.Masked}) is not allowed in a scenario; remove it — Finsam never stores identity numbers");
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                var msg = e.InnerException?.Message ?? e.Message;
                // YamlDotNet places tab errors at the start of the enclosing mapping; point at the tab instead.
                if (msg.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentationTab(text) is var (tabLine, tabColumn))
                {
                    r.Bag.Add(new SourcePos(r.File, tabLine, tabColumn), "", "YAML syntax error: a tab character in the indentation; YAML indents with spaces only");
                    return null;
                }
                var open = UnclosedFlow(text);
                var hint = open is { } o && (o.Line, o.Column) != ((int)e.Start.Line, (int)e.Start.Column)
                    ? $" (the '{o.Bracket}' at line {o.Line}, column {o.Column} is not closed)" : "";
                // YamlDotNet's messages quote source text; mask identity numbers in them.
                r.Bag.Add(new SourcePos(r.File, (int)e.Start.Line, (int)e.Start.Column), "", $"YAML syntax error: {PersonnummerGuard.MaskAll(hint.Length > 0 ? Trim(msg).TrimEnd('.') : Trim(msg))}{hint}");
                return null;
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet's scanner fails without a position on some unclosed '{' or '[' followed by more lines.
                var at = UnclosedFlow(text) is { } o
                    ? (o.Line, o.Column, $"YAML syntax error: this '{o.Bracket}' is not closed with '{(o.Bracket == '{' ? '}' : ']')}'")
                    : (1, 1, "YAML syntax error: the file cannot be read as YAML");
                r.Bag.Add(new SourcePos(r.File, at.Item1, at.Item2), "", at.Item3);
                return null;
            }
            if (stream.Documents.Count == 0)
            {
                r.Bag.Add(new SourcePos(r.File, 1, 1), "", "the file is empty");
                return null;
            }
            if (stream.Documents.Count > 1)
                r.Bag.Add(r.Pos(stream.Documents[1].RootNode), "", "expected one YAML document, found several ('---' separators)");
            if (stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                r.Error(stream.Documents[0].RootNode, "", $"expected the file to be a mapping of sections (forbund:, horizon:, …), found {YamlReader.Describe(stream.Documents[0].RootNode)}");
                return null;
            }
            // Keys are names everywhere in the format; a list or mapping used as a key ("? [a, b]: 1") is refused up front.
            var complexKeys = stream.Documents[0].AllNodes.OfType<YamlMappingNode>()
                .SelectMany(m => m.Children.Keys).Where(k => k is not YamlScalarNode).ToList();
            foreach (var key in complexKeys)
                r.Error(key, "", $"expected a name as key, found {YamlReader.Describe(key)}");
            return complexKeys.Count == 0 ? root : null;
        }

        /// <summary>Line and column of the first tab in a line's indentation, if any.</summary>
        private static (int Line, int Column)? FirstIndentationTab(string text)
        {
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
                var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
                if (tab >= 0 && tab < indent) return (i + 1, tab + 1);
            }
            return null;
        }

        /// <summary>The innermost '{' or '[' still open where the YAML parser gave up, if any.</summary>
        private static (int Line, int Column, char Bracket)? UnclosedFlow(string text)
        {
            var open = new Stack<(YamlDotNet.Core.Mark Start, char Bracket)?>();
            var parser = new YamlDotNet.Core.Parser(new StringReader(text));
            try
            {
                while (parser.MoveNext())
                    switch (parser.Current)
                    {
                        case YamlDotNet.Core.Events.MappingStart ms:
                            open.Push(ms.Style == YamlDotNet.Core.Events.MappingStyle.Flow ? (ms.Start, '{') : null);
                            break;
                        case YamlDotNet.Core.Events.SequenceStart ss:
                            open.Push(ss.Style == YamlDotNet.Core.Events.SequenceStyle.Flow ? (ss.Start, '[') : null);
                            break;
                        case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                            open.TryPop(out _);
                            break;
                    }
                return null;
            }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
            {
            }
            // The stack enumerates innermost first.
            foreach (var f in open)
                if (f is { } flow) return ((int)flow.Start.Line, (int)flow.Start.Column, flow.Bracket);
            return null;
        }

        private static string Trim(string message)
        {
            // "(Line: 3, Col: 5, Idx: 20) - (Line: …): While scanning…" → keep the human part.
            var i = message.LastIndexOf("): ", StringComparison.Ordinal);
            return i >= 0 ? message[(i + 3)..] : message;
        }

        /// <summary>Reads the variant list and applies the chosen one to the tree before anything else is read.</summary>
        private List<VariantInfo> ReadVariants(YamlMappingNode root, string? chosen)
        {
            var infos = new List<VariantInfo>();
            var top = new MapView(_r, root, "");
            var found = false;
            foreach (var v in top.List("variants", idKey: "name"))
            {
                var name = v.Str("name", required: true);
                var description = v.Str("description");
                var set = v.Get("set");
                v.Done();
                if (name is null) continue;
                if (infos.Any(i => i.Name == name)) _r.Error(v.Node, v.Path, $"duplicate variant name '{name}'");
                infos.Add(new VariantInfo(name, description));
                if (set is not YamlMappingNode setMap || setMap.Children.Count == 0)
                {
                    _r.Error(set ?? v.Node, v.Sub("set"), "a variant needs 'set:' with at least one 'path: value' override");
                    continue;
                }
                if (name != chosen) continue;
                found = true;
                foreach (var (pathNode, value) in setMap.Children)
                    ApplyOverride(root, ((YamlScalarNode)pathNode).Value ?? "", pathNode, value, $"{v.Sub("set")}.{((YamlScalarNode)pathNode).Value}");
            }
            if (chosen is not null && !found && !infos.Any(i => i.Name == chosen))
                _r.Bag.Add(new SourcePos(_r.File, 0, 0), "variants",
                    infos.Count == 0 ? $"unknown variant '{chosen}': the scenario has no variants"
                        : $"unknown variant '{chosen}'{YamlReader.Suggest(chosen, infos.Select(i => i.Name))}; the scenario has: {string.Join(", ", infos.Select(i => i.Name))}");
            return infos;
        }

        /// <summary>
        /// Applies an overlay file's <c>set:</c> overrides to the tree, after the variant. Problems in the
        /// overlay — and in the values it sets, wherever the scenario reads them — name the overlay's file,
        /// line and column. Returns the overlay's file name.
        /// </summary>
        private string ApplyOverlay(YamlMappingNode root, OverlaySource overlay, string? variant)
        {
            var r = new YamlReader(overlay.FileName, bag);
            var tree = Parse(r, overlay.Text);
            if (tree is null) return overlay.FileName;
            var top = new MapView(r, tree, "");
            var version = top.Int("finsam_overlay", required: true);
            if (version is not null and not 1)
                r.Error(top.Get("finsam_overlay")!, "finsam_overlay", $"unsupported overlay version {version}; this Finsam reads version 1");
            var baseFile = top.Str("base", required: true);
            if (baseFile is not null && !string.Equals(Path.GetFileName(baseFile), Path.GetFileName(source.FileName), StringComparison.Ordinal))
                r.Error(top.Get("base")!, "base", $"the overlay was made for '{baseFile}', not for '{Path.GetFileName(source.FileName)}'");
            top.Str("source", required: true);
            var fitted = top.Str("variant");
            if (fitted is not null && fitted != variant)
                r.Error(top.Get("variant")!, "variant", variant is null
                    ? $"the overlay was fitted with variant '{fitted}': run it with --variant {fitted}"
                    : $"the overlay was fitted with variant '{fitted}', not '{variant}'");
            top.Str("note");
            var set = top.Get("set");
            if (set is not YamlMappingNode setMap || setMap.Children.Count == 0)
            {
                if (top.Has("set") || set is not null) r.Error(set ?? tree, "set", "an overlay needs 'set:' with at least one 'path: value' override");
                else r.Error(tree, "set", "missing required field 'set'");
            }
            top.Done();
            if (set is not YamlMappingNode map) return overlay.FileName;
            _r.Adopt(map, overlay.FileName);
            foreach (var (pathNode, value) in map.Children)
            {
                var path = ((YamlScalarNode)pathNode).Value ?? "";
                ApplyOverride(root, path, pathNode, value, $"set.{path}", "the overlay");
            }
            return overlay.FileName;
        }

        /// <summary>
        /// Replaces the node at a path such as <c>insatser[spira].capacity.fte</c> or
        /// <c>budget.years[2017].shares</c>. List items are chosen by id, year or name, or by index.
        /// </summary>
        private void ApplyOverride(YamlMappingNode root, string path, YamlNode pathNode, YamlNode value, string fieldPath, string who = "the variant")
        {
            YamlNode current = root;
            var segments = path.Split('.');
            for (var s = 0; s < segments.Length; s++)
            {
                var seg = segments[s];
                string? selector = null;
                var bracket = seg.IndexOf('[', StringComparison.Ordinal);
                if (bracket >= 0)
                {
                    if (!seg.EndsWith(']'))
                    {
                        _r.Error(pathNode, fieldPath, $"malformed path segment '{seg}': expected name[key]");
                        return;
                    }
                    selector = seg[(bracket + 1)..^1];
                    seg = seg[..bracket];
                }
                if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(seg), out var child))
                {
                    _r.Error(pathNode, fieldPath, $"{who} overrides '{path}', but the scenario has no field '{string.Join('.', segments[..(s + 1)])}'");
                    return;
                }
                var last = s == segments.Length - 1;
                if (selector is null)
                {
                    if (last) { map.Children[new YamlScalarNode(seg)] = value; return; }
                    current = child;
                    continue;
                }
                if (child is not YamlSequenceNode seq)
                {
                    _r.Error(pathNode, fieldPath, $"'{seg}' is not a list, so '[{selector}]' cannot select from it");
                    return;
                }
                var index = FindItem(seq, selector);
                if (index < 0)
                {
                    _r.Error(pathNode, fieldPath, $"{who} overrides '{path}', but '{seg}' has no item '{selector}'");
                    return;
                }
                if (last) { seq.Children[index] = value; return; }
                current = seq.Children[index];
            }
        }

        private static int FindItem(YamlSequenceNode seq, string selector)
        {
            for (var i = 0; i < seq.Children.Count; i++)
                if (seq.Children[i] is YamlMappingNode m)
                    foreach (var key in new[] { "id", "year", "name" })
                        if (m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: var s } && s == selector)
                            return i;
            return int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) && idx < seq.Children.Count ? idx : -1;
        }

        // ---------------------------------------------------------------- ids

        private static IEnumerable<(string Id, YamlNode Node)> IdNodes(YamlNode? list)
        {
            if (list is not YamlSequenceNode seq) yield break;
            foreach (var item in seq.Children)
                if (item is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("id"), out var id) && id is YamlScalarNode { Value: { Length: > 0 } s })
                    yield return (s.Trim(), item);
        }

        private void CollectIds(YamlNode? list, string path, Action<string> add)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (id, node) in IdNodes(list))
            {
                if (!seen.Add(id))
                    _r.Error(node, $"{path}[{id}]", $"duplicate id '{id}' in {path}");
                add(id);
            }
        }

        private void CheckDuplicates(YamlNode? list, string path) => CollectIds(list, path, _ => { });

        private static IEnumerable<string> FlattenMixKeys(YamlMappingNode m)
        {
            if (m.Children.Count == 1 && m.Children.First().Key is YamlScalarNode { Value: "dirichlet" or "counts" } && m.Children.First().Value is YamlMappingNode inner)
                m = inner;
            return m.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "");
        }

        private static List<T> Merge<T>(IReadOnlyList<T> catalog, IEnumerable<T?> local) where T : class
        {
            var result = new List<T>(catalog);
            foreach (var item in local.OfType<T>())
            {
                var id = IdOf(item);
                var at = result.FindIndex(x => IdOf(x) == id);
                if (at >= 0) result[at] = item; else result.Add(item);
            }
            return result;
        }

        private static string IdOf(object o) => o switch
        {
            Payer p => p.Id,
            IncomeState s => s.Id,
            Occupation o2 => o2.Id,
            _ => throw new ArgumentException("no id"),
        };

        private bool Ref(HashSet<string> known, string? id, YamlNode? node, string path, string kind)
        {
            if (id is null || node is null) return false;
            if (known.Contains(id)) return true;
            _r.Error(node, path, $"unknown {kind} '{id}'{YamlReader.Suggest(id, known)}{(known.Count is > 0 and <= 12 ? $"; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}" : "")}");
            return false;
        }

        private bool RefInsats(string? id, YamlNode? node, string path, bool mustBeIndividual = true)
        {
            if (!Ref(_insatser.Keys.ToHashSet(StringComparer.Ordinal), id, node, path, "insats")) return false;
            if (mustBeIndividual && _insatser[id!] == InsatsKind.Structural)
            {
                _r.Error(node!, path, $"'{id}' is a structural insats; only individual insatser take participants");
                return false;
            }
            return true;
        }

        // ---------------------------------------------------------------- catalog

        private sealed record CatalogContent(
            IReadOnlyList<Payer> Payers, IReadOnlyList<IncomeState> IncomeStates, IReadOnlyList<Occupation> Occupations)
        {
            public static readonly CatalogContent Empty = new([], [], []);
            public IEnumerable<string> PayerIds => Payers.Select(p => p.Id);
            public IEnumerable<string> IncomeIds => IncomeStates.Select(p => p.Id);
            public IEnumerable<string> OccupationIds => Occupations.Select(p => p.Id);
        }

        private CatalogContent LoadCatalog(MapView top)
        {
            var path = top.Str("catalog");
            if (path is null) return CatalogContent.Empty;
            var node = top.Get("catalog")!;
            if (!source.Includes.TryGetValue(path, out var text))
            {
                _r.Error(node, "catalog", $"catalog file '{path}' not found (paths are relative to the scenario file)");
                return CatalogContent.Empty;
            }
            var r = new YamlReader(NormaliseName(source.FileName, path), bag);
            var root = Parse(r, text);
            if (root is null) return CatalogContent.Empty;
            var cat = new MapView(r, root, "");
            var version = cat.Int("finsam_catalog", required: true);
            if (version is not null and not 1) r.Error(cat.Get("finsam_catalog")!, "finsam_catalog", "unsupported catalog version; expected 1");
            cat.Str("name");
            cat.Str("source");
            // Catalog ids must be known before its entries cross-reference each other.
            var local = new Builder(source with { FileName = r.File }, bag);
            local.CollectIds(cat.Get("payers"), "payers", id => local._payers.Add(id));
            local.CollectIds(cat.Get("income_states"), "income_states", id => local._incomes.Add(id));
            local.CollectIds(cat.Get("occupations"), "occupations", id => local._occupations.Add(id));
            foreach (var id in local._payers) _payers.Add(id);
            foreach (var id in local._incomes) _incomes.Add(id);
            foreach (var id in local._occupations) _occupations.Add(id);
            var content = new CatalogContent(
                cat.List("payers").Select(local.ReadPayer).OfType<Payer>().ToList(),
                cat.List("income_states").Select(m => local.ReadIncomeState(m)).OfType<IncomeState>().ToList(),
                cat.List("occupations").Select(m => local.ReadOccupation(m)).OfType<Occupation>().ToList());
            cat.Done();
            return content;
        }

        private static string NormaliseName(string scenarioFile, string include)
        {
            var dir = Path.GetDirectoryName(scenarioFile);
            return string.IsNullOrEmpty(dir) ? include : Path.GetRelativePath(".", Path.Combine(dir, include));
        }

        private Payer? ReadPayer(MapView m)
        {
            var id = m.Str("id", required: true);
            var name = m.Str("name") ?? id;
            var party = m.Str("party");
            m.Str("source");
            var kind = Word(m, "party", Keyword.PartyKinds);
            m.Done();
            return id is null ? null : new Payer(id, name!, kind);
        }

        private IncomeState? ReadIncomeState(MapView m)
        {
            var id = m.Str("id", required: true);
            var payer = m.Str("payer", required: true);
            Ref(_payers, payer, m.Get("payer"), m.Sub("payer"), "payer");
            var cost = m.Param("monthly_cost", required: true, min: 0);
            var self = m.Bool("self_sufficient") ?? false;
            var occ = m.Str("occupation");
            if (occ is not null) Ref(_occupations, occ, m.Get("occupation"), m.Sub("occupation"), "occupation");
            var src = m.Str("source");
            m.Str("name");
            m.Str("note");
            m.Done();
            return id is null || payer is null || cost is null ? null : new IncomeState(id, payer, cost, self, occ, src);
        }

        private Occupation? ReadOccupation(MapView m)
        {
            var id = m.Str("id", required: true);
            var income = m.Str("income");
            if (income is not null) Ref(_incomes, income, m.Get("income"), m.Sub("income"), "income state");
            var outcome = Word(m, "outcome", Keyword.Outcomes);
            var src = m.Str("source");
            m.Str("name");
            m.Str("note");
            m.Done();
            return id is null ? null : new Occupation(id, income, outcome ?? Outcome.None, src);
        }

        // ---------------------------------------------------------------- scenario sections

        private ulong ReadSeed(MapView top)
        {
            var node = top.Get("seed");
            if (node is null) return 1;
            if (node is YamlScalarNode { Value: { } s } && ulong.TryParse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
                return seed;
            _r.Error(node, "seed", $"expected a whole number ≥ 0, found {YamlReader.Describe(node)}");
            return 1;
        }

        /// <summary>A field whose value is one of a fixed set of words; an unknown word is reported with the ones allowed.</summary>
        private T? Word<T>(MapView m, string key, Keywords<T> words, bool required = false) where T : struct
        {
            var text = m.Str(key, required);
            if (text is null) return null;
            var value = words.Parse(text);
            if (value is null)
                _r.Error(m.Get(key)!, m.Sub(key), $"unknown {words.What} '{text}': expected {words.Shown}{YamlReader.Suggest(text, words.Words)}");
            return value;
        }

        private List<Party> ReadParties(MapView top)
        {
            var parties = new List<Party>();
            var unreadShare = false;
            var list = top.List("parties", required: true);
            if (list.Count == 0 && top.Get("parties") is { } pn)
                _r.Error(pn, "parties", "at least one party is needed");
            foreach (var m in list)
            {
                var id = m.Str("id", required: true);
                var name = m.Str("name") ?? id ?? "";
                var kind = Word(m, "kind", Keyword.PartyKinds, required: true);
                var share = m.Number("share", min: 0, max: 1);
                unreadShare |= share is null && m.Get("share") is not null;
                var amount = m.Number("amount", min: 0);
                if (m.Has("share") == m.Has("amount"))
                    _r.Error(m.Node, m.Path, "give the party either 'share' (of each year's total) or 'amount' (SEK per year), not both or neither");
                var staff = new List<StaffLoan>();
                foreach (var s in m.List("staff", idKey: "insats"))
                {
                    var insats = s.Str("insats", required: true);
                    var ok = RefInsats(insats, s.Get("insats"), s.Sub("insats"));
                    if (ok && !_fteInsatser.GetValueOrDefault(insats!))
                    {
                        _r.Error(s.Get("insats")!, s.Sub("insats"), $"staff can only be lent to an insats whose capacity is given as fte and caseload; '{insats}' gives places");
                        ok = false;
                    }
                    var fte = s.Number("fte", required: true, min: 0);
                    if (fte is 0) _r.Error(s.Get("fte")!, s.Sub("fte"), "fte must be > 0");
                    var value = s.Number("value_per_fte_year", min: 0) ?? 0;
                    s.Done();
                    if (ok && fte is > 0) staff.Add(new StaffLoan(insats!, fte.Value, value));
                }
                m.Done();
                if (id is not null && kind is not null) parties.Add(new Party(id, name, kind.Value, m.Has("share") ? share : null, m.Has("amount") ? amount : null, staff));
            }
            var shares = parties.Where(p => p.Share is not null).ToList();
            if (!unreadShare && shares.Count > 0 && Math.Abs(shares.Sum(p => p.Share!.Value) - 1) > 0.001 && top.Get("parties") is { } node)
                _r.Error(node, "parties", $"party shares sum to {YamlReader.Fmt(shares.Sum(p => p.Share!.Value) * 100)} %, expected 100 % ({string.Join(" + ", shares.Select(p => $"{p.Id} {YamlReader.Fmt(p.Share!.Value * 100)} %"))})");
            return parties;
        }

        private Budget? ReadBudget(MapView top, List<Party> parties)
        {
            var b = top.Child("budget", required: true);
            if (b is null) return null;
            var equity = b.Number("equity", min: 0) ?? 0;
            var carry = b.Bool("carry_over") ?? true;
            var lines = new List<BudgetLine>();
            foreach (var l in b.List("lines", required: true))
            {
                var id = l.Str("id", required: true);
                var name = l.Str("name") ?? id;
                l.Str("description");
                l.Done();
                if (id is not null) lines.Add(new BudgetLine(id, name!));
            }
            if (lines.Count == 0 && b.Get("lines") is { } ln) _r.Error(ln, "budget.lines", "at least one budget line is needed");
            var years = new List<BudgetYear>();
            var allAmounts = parties.Count > 0 && parties.All(p => p.Amount is not null);
            foreach (var y in b.List("years", required: true, idKey: "year"))
            {
                var year = y.Int("year", required: true, min: 1900, max: 2200);
                var total = y.Param("total", required: !allAmounts, min: 0);
                var shares = new Dictionary<string, double>(StringComparer.Ordinal);
                var sharesMap = y.Child("shares", required: true);
                if (sharesMap is not null)
                {
                    var allRead = true;
                    foreach (var (k, v) in sharesMap.Node.Children)
                    {
                        var line = ((YamlScalarNode)k).Value ?? "";
                        sharesMap.Get(line);
                        var path = sharesMap.Sub(line);
                        var known = Ref(_lines, line, k, path, "budget line");
                        if (_r.Number(v, path, 0, 1) is { } share && known) shares[line] = share;
                        else allRead = false;
                    }
                    var sum = shares.Values.Sum();
                    if (allRead && shares.Count > 0 && Math.Abs(sum - 1) > 0.001)
                        _r.Error(sharesMap.Node, sharesMap.Path, $"budget line shares sum to {YamlReader.Fmt(sum * 100)} %, expected 100 %");
                }
                y.Done();
                if (year is null) continue;
                if (years.Any(e => e.Year == year)) _r.Error(y.Node, y.Path, $"duplicate budget year {year}");
                years.Add(new BudgetYear(year.Value, total, shares));
            }
            b.Done();
            if (_horizonKnown && years.Count > 0 && years.Min(y => y.Year) > _start.Year && b.Get("years") is { } yn)
                _r.Error(yn, "budget.years", $"the budget starts in {years.Min(y => y.Year)} but the horizon starts in {_start.Year}; add a year for {_start.Year}");
            return new Budget(equity, carry, lines, years.OrderBy(y => y.Year).ToList());
        }

        private TargetGroup? ReadTargetGroup(MapView m)
        {
            var id = m.Str("id", required: true);
            var name = m.Str("name") ?? id;
            var income = m.Mix("income", _incomes.Contains, "income state", required: true);
            var occ = m.Mix("occupation", _occupations.Contains, "occupation", required: true);
            var age = m.Mix("age", _ => true, "age band") ?? new Mix(m.Sub("age"), ["alla"], [1], false);
            var gender = m.Mix("gender", _ => true, "gender") ?? new Mix(m.Sub("gender"), ["okänt"], [1], false);
            m.Str("description");
            m.Str("source");
            m.Done();
            return id is null || income is null || occ is null ? null : new TargetGroup(id, name!, income, occ, age, gender);
        }

        private List<ReferralFlow> ReadReferrals(MapView top)
        {
            var flows = new List<ReferralFlow>();
            foreach (var m in top.List("referrals", required: true))
            {
                var from = m.Str("from", required: true);
                var group = m.Str("target_group", required: true);
                var to = m.Str("to", required: true);
                var okFrom = Ref(_partyKinds.Keys.ToHashSet(StringComparer.Ordinal), from, m.Get("from"), m.Sub("from"), "party");
                var okGroup = Ref(_groups, group, m.Get("target_group"), m.Sub("target_group"), "target group");
                var okTo = RefInsats(to, m.Get("to"), m.Sub("to"));
                var rate = m.Param("rate", min: 0);
                var count = m.Int("count", min: 1);
                if (m.Has("rate") == m.Has("count"))
                    _r.Error(m.Node, m.Path, "give either 'rate' (expected referrals per month) or 'count' (a one-off cohort), not both or neither");
                var start = m.Month("start");
                var stop = m.Month("stop");
                if (start is not null && stop is not null && stop < start)
                    _r.Error(m.Get("stop")!, m.Sub("stop"), $"stop {stop} is before start {start}");
                if (_horizonKnown && count is not null && start is not null && (start < _start || start > _start.AddMonths(_months - 1)))
                    _r.Error(m.Get("start")!, m.Sub("start"), $"the cohort arrives in {start}, outside the horizon {_start}…{_start.AddMonths(_months - 1)}");
                var id = m.Str("id");
                m.Str("source");
                m.Str("note");
                m.Done();
                if (!(okFrom && okGroup && okTo) || (rate is null && count is null)) continue;
                var baseId = id ?? $"{from}>{group}>{to}";
                var unique = baseId;
                for (var k = 2; flows.Any(f => f.Id == unique); k++) unique = $"{baseId}#{k}";
                flows.Add(new ReferralFlow(unique, from!, group!, to!, rate, count, start, stop));
            }
            return flows;
        }

        private Insats? ReadInsats(MapView m)
        {
            var id = m.Str("id", required: true);
            var name = m.Str("name") ?? id;
            m.Str("description");
            m.Str("source");
            m.Str("note");
            var kind = Word(m, "kind", Keyword.InsatsKinds, required: true);
            var line = m.Str("budget_line");
            if (line is not null) Ref(_lines, line, m.Get("budget_line"), m.Sub("budget_line"), "budget line");
            var start = m.Month("start");
            var intakeStop = m.Month("intake_stop");
            var stop = m.Month("stop");
            if (start is not null && stop is not null && stop < start)
                _r.Error(m.Get("stop")!, m.Sub("stop"), $"stop {stop} is before start {start}");
            if (intakeStop is not null && stop is not null && stop < intakeStop)
                _r.Error(m.Get("intake_stop")!, m.Sub("intake_stop"), $"intake_stop {intakeStop} is after stop {stop}");

            var individualKeys = new[] { "capacity", "eligibility", "duration", "exits", "dropout", "give_up", "chains", "goal" };
            var structuralKeys = new[] { "effects" };
            if (kind is not null)
                foreach (var key in kind == InsatsKind.Individual ? structuralKeys : individualKeys)
                    if (m.Get(key) is { } wrong)
                        _r.Error(wrong, m.Sub(key), $"'{key}' applies only to {(kind == InsatsKind.Individual ? "structural" : "individual")} insatser");
            if (kind is null) { foreach (var k in individualKeys.Concat(structuralKeys)) m.Get(k); m.Get("cost"); m.Done(); return null; }

            var cost = m.Child("cost", required: line is not null);
            Param? perPlace = null, perFte = null, perYear = null;
            if (cost is not null && line is null)
                _r.Error(cost.Node, cost.Path, "a cost needs a budget_line to be paid from");
            var insats = new Insats { Id = id ?? "", Name = name ?? "", Kind = kind.Value, BudgetLine = line, Start = start, IntakeStop = intakeStop, Stop = stop };
            if (kind == InsatsKind.Structural)
            {
                if (cost is not null) perYear = cost.Param("per_year", required: true, min: 0);
                cost?.Done();
                var effects = m.List("effects", required: true, idKey: "on").Select(ReadEffect).OfType<Effect>().ToList();
                m.Done();
                return id is null ? null : insats with { CostPerYear = perYear, Effects = effects };
            }

            var cap = m.Child("capacity", required: true);
            Param? places = null, fte = null, caseload = null;
            if (cap is not null)
            {
                places = PositiveParam(cap, "places");
                fte = PositiveParam(cap, "fte");
                caseload = PositiveParam(cap, "caseload");
                if (cap.Has("places") == cap.Has("fte"))
                    _r.Error(cap.Node, cap.Path, "give capacity either as 'places' or as 'fte' with 'caseload'");
                else if (cap.Has("fte") != cap.Has("caseload"))
                    _r.Error(cap.Node, cap.Path, "'fte' and 'caseload' go together: places = fte × caseload");
                cap.Done();
            }
            if (cost is not null)
            {
                perPlace = cost.Param("per_place_month", min: 0);
                perFte = cost.Param("per_fte_year", min: 0);
                if (cap is not null && cap.Has("places") && !cost.Has("per_place_month"))
                    _r.Error(cost.Node, cost.Path, "capacity is given in places, so the cost needs 'per_place_month'");
                if (cap is not null && cap.Has("fte") && !cost.Has("per_fte_year"))
                    _r.Error(cost.Node, cost.Path, "capacity is given in fte, so the cost needs 'per_fte_year'");
                cost.Done();
            }
            var eligibility = ReadEligibility(m.Child("eligibility"));
            var duration = ReadDuration(m.Child("duration", required: true));
            Mix? exits = null;
            string? exitModel = null;
            if (m.Get("exits") is YamlMappingNode { Children.Count: 1 } em && em.Children.First().Key is YamlScalarNode { Value: "model" })
            {
                var ex = m.Child("exits")!;
                exitModel = ex.Str("model", required: true);
                if (!Ref(_exitModels, exitModel, ex.Get("model"), ex.Sub("model"), "exit model")) exitModel = null;
                ex.Done();
            }
            else exits = m.Mix("exits", _occupations.Contains, "occupation", required: true);
            Param? dropout = null;
            string? dropoutTo = null;
            if (m.Get("dropout") is YamlMappingNode dm && !YamlReader.IsDistribution(dm))
            {
                var d = m.Child("dropout")!;
                dropout = d.Param("monthly", required: true, min: 0, max: 1);
                dropoutTo = d.Str("to");
                if (dropoutTo is not null) Ref(_occupations, dropoutTo, d.Get("to"), d.Sub("to"), "occupation");
                d.Done();
            }
            else dropout = m.Param("dropout", min: 0, max: 1);
            var giveUp = m.Param("give_up", min: 0, max: 1);
            var chains = new List<Chain>();
            foreach (var c in m.List("chains", idKey: "to"))
            {
                var to = c.Str("to", required: true);
                var ok = RefInsats(to, c.Get("to"), c.Sub("to"));
                if (ok && to == id) { _r.Error(c.Get("to")!, c.Sub("to"), "an insats cannot chain into itself"); ok = false; }
                var p = c.Param("probability", required: true, min: 0, max: 1);
                c.Done();
                if (ok && p is not null) chains.Add(new Chain(to!, p));
            }
            if (chains.Sum(c => c.Probability.Dist.Upper) > 1 + 1e-9 && m.Get("chains") is { } cn)
                _r.Error(cn, m.Sub("chains"), $"chain probabilities can sum to {YamlReader.Fmt(chains.Sum(c => c.Probability.Dist.Upper))}, more than 1");
            var goal = ReadGoal(m.Child("goal"));
            m.Done();
            if (id is null) return null;
            return insats with
            {
                Places = places, Fte = fte, Caseload = caseload, CostPerPlaceMonth = perPlace, CostPerFteYear = perFte,
                Eligibility = eligibility, Duration = duration, Exits = exits, ExitModel = exitModel, Dropout = dropout, DropoutTo = dropoutTo,
                GiveUp = giveUp, Chains = chains, Goal = goal,
            };
        }

        private Param? PositiveParam(MapView m, string key)
        {
            var p = m.Param(key, min: double.NegativeInfinity);
            if (p is null) return null;
            if (p.Dist.Lower <= 0)
            {
                _r.Error(m.Get(key)!, m.Sub(key), p.Dist.IsFixed
                    ? $"capacity must be greater than 0, found {YamlReader.Fmt(p.Dist.Lower)}"
                    : $"capacity must be greater than 0, but the distribution reaches {YamlReader.Fmt(p.Dist.Lower)}");
                return null;
            }
            return p;
        }

        /// <summary>
        /// <c>exit_models[]</c>: <c>{ id, rows: { start occupation: mix, …, default: mix } }</c>. The default row
        /// is needed unless every occupation has its own row.
        /// </summary>
        private ExitModel? ReadExitModel(MapView m, IReadOnlyList<Occupation> occupations)
        {
            var id = m.Str("id", required: true);
            m.Str("name");
            m.Str("description");
            m.Str("source");
            m.Str("note");
            var rows = m.Child("rows", required: true);
            var list = new List<ExitRow>();
            Mix? fallback = null;
            var ok = rows is not null;
            if (rows is not null)
            {
                foreach (var (k, _) in rows.Node.Children)
                {
                    var start = ((YamlScalarNode)k).Value ?? "";
                    if (start == "default")
                    {
                        fallback = rows.Mix("default", _occupations.Contains, "occupation");
                        ok &= fallback is not null;
                        continue;
                    }
                    if (!Ref(_occupations, start, k, rows.Sub(start), "start occupation"))
                    {
                        rows.Get(start);
                        ok = false;
                        continue;
                    }
                    var mix = rows.Mix(start, _occupations.Contains, "occupation");
                    if (mix is null) ok = false;
                    else list.Add(new ExitRow(start, mix));
                }
                if (rows.Node.Children.Count == 0)
                {
                    _r.Error(rows.Node, rows.Path, "an exit model needs at least one row: 'start occupation: mix of exit occupations', or 'default: mix'");
                    ok = false;
                }
                else if (ok && fallback is null)
                {
                    var missing = occupations.Select(o => o.Id).Where(o => list.All(r => r.Start != o)).ToList();
                    if (missing.Count > 0)
                    {
                        _r.Error(rows.Node, rows.Path, $"missing 'default': a row for people admitted in any other occupation ({string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")})");
                        ok = false;
                    }
                }
                rows.Done();
            }
            m.Done();
            return id is null || !ok ? null : new ExitModel(id, list, fallback);
        }

        /// <summary><c>goal: { source, exits: [ { share, to: [occupations] } ] }</c>: shares summing to at most 1, disjoint groups.</summary>
        private ExitGoal? ReadGoal(MapView? g)
        {
            if (g is null) return null;
            var src = g.Str("source");
            g.Str("note");
            var parts = new List<GoalPart>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var ok = true;
            var list = g.List("exits", required: true, idKey: "share");
            foreach (var p in list)
            {
                var share = p.Number("share", required: true, min: 0, max: 1);
                var to = p.Names("to");
                if (!p.Has("to")) _r.Error(p.Node, p.Sub("to"), "missing required field 'to'");
                var names = new List<string>();
                foreach (var (name, node) in to)
                {
                    if (!Ref(_occupations, name, node, p.Sub("to"), "occupation")) { ok = false; continue; }
                    if (!seen.Add(name)) { _r.Error(node, p.Sub("to"), $"'{name}' is already in another part of the goal"); ok = false; }
                    names.Add(name);
                }
                p.Str("note");
                p.Done();
                if (share is null || names.Count == 0) { ok = false; continue; }
                parts.Add(new GoalPart(share.Value, names));
            }
            if (g.Get("exits") is YamlSequenceNode { Children.Count: 0 } empty)
            {
                _r.Error(empty, g.Sub("exits"), "a goal needs at least one part: { share, to: [occupations] }");
                ok = false;
            }
            if (ok && parts.Sum(p => p.Share) > 1 + 1e-3 && g.Get("exits") is { } en)
            {
                _r.Error(en, g.Sub("exits"), $"the goal's shares sum to {YamlReader.Fmt(parts.Sum(p => p.Share))}, more than 1");
                ok = false;
            }
            g.Done();
            return ok ? new ExitGoal(parts, src) : null;
        }

        private Eligibility ReadEligibility(MapView? m)
        {
            if (m is null) return Eligibility.Anyone;
            List<string> Names(string key, HashSet<string> known, string kind) =>
                m.Names(key).Where(n => Ref(known, n.Value, n.Node, m.Sub(key), kind)).Select(n => n.Value).ToList();
            var e = new Eligibility(
                Names("target_groups", _groups, "target group"),
                Names("parties", _partyKinds.Keys.ToHashSet(StringComparer.Ordinal), "party"),
                Names("income_states", _incomes, "income state"),
                Names("ages", _ages, "age band"));
            m.Done();
            return e;
        }

        private DurationSpec? ReadDuration(MapView? m)
        {
            if (m is null) return null;
            var kind = Word(m, "distribution", Keyword.Durations, required: true);
            if (kind is null && m.Has("distribution"))
                foreach (var key in new[] { "mean", "sd", "months", "min", "max" }) m.Get(key);
            Param? mean = null, sd = null;
            int min = 1, max = 1;
            switch (kind)
            {
                case DurationKind.Geometric:
                    mean = m.Param("mean", required: true, min: 1);
                    break;
                case DurationKind.Gamma or DurationKind.LogNormal:
                    mean = m.Param("mean", required: true, min: 0.5);
                    sd = m.Param("sd", required: true, min: 0.01);
                    break;
                case DurationKind.Fixed:
                    min = max = m.Int("months", required: true, min: 1, max: MaxMonths) ?? 1;
                    break;
                case DurationKind.Uniform:
                    min = m.Int("min", required: true, min: 1, max: MaxMonths) ?? 1;
                    max = m.Int("max", required: true, min: 1, max: MaxMonths) ?? 1;
                    if (max < min) _r.Error(m.Node, m.Path, $"duration max {max} is below min {min}");
                    break;
            }
            m.Done();
            return kind is null ? null : new DurationSpec(kind.Value, mean, sd, min, max);
        }

        private Effect? ReadEffect(MapView m)
        {
            var on = m.Str("on", required: true);
            string? target = null;
            if (on is not null && on != "baseline")
            {
                if (!RefInsats(on, m.Get("on"), m.Sub("on"))) on = null;
                else target = on;
            }
            Param? Mult(string key) => m.Param(key, min: 0);
            var capacity = Mult("capacity");
            var duration = Mult("duration");
            var dropout = Mult("dropout");
            var giveUp = Mult("give_up");
            var referrals = Mult("referrals");
            var exits = new Dictionary<string, Param>(StringComparer.Ordinal);
            if (m.Child("exits") is { } ex)
            {
                foreach (var (k, _) in ex.Node.Children)
                {
                    var occ = ((YamlScalarNode)k).Value ?? "";
                    if (Ref(_occupations, occ, k, ex.Sub(occ), "occupation") && ex.Param(occ, min: 0) is { } p) exits[occ] = p;
                }
                ex.Done();
            }
            string? from = null, to = null;
            Param? transition = null;
            if (m.Child("transition") is { } t)
            {
                from = t.Str("from", required: true);
                to = t.Str("to", required: true);
                Ref(_incomes, from, t.Get("from"), t.Sub("from"), "income state");
                Ref(_incomes, to, t.Get("to"), t.Sub("to"), "income state");
                transition = t.Param("multiplier", required: true, min: 0);
                t.Done();
            }
            var ramp = m.Int("ramp_months", min: 0, max: MaxMonths) ?? 0;
            m.Str("source");
            m.Str("note");
            m.Done();
            if (on == "baseline")
            {
                if (transition is null)
                    _r.Error(m.Node, m.Path, "an effect on the baseline needs 'transition: {from, to, multiplier}'");
                foreach (var key in new[] { "capacity", "duration", "dropout", "give_up", "referrals", "exits" })
                    if (m.Has(key)) _r.Error(m.Get(key)!, m.Sub(key), $"'{key}' applies to an effect on an insats, not on the baseline");
            }
            else if (target is not null)
            {
                if (m.Has("transition")) _r.Error(m.Get("transition")!, m.Sub("transition"), "'transition' applies to an effect on the baseline");
                if (capacity is null && duration is null && dropout is null && giveUp is null && referrals is null && exits.Count == 0)
                    _r.Error(m.Node, m.Path, "the effect changes nothing: give capacity, duration, dropout, give_up, referrals or exits multipliers");
            }
            if (on is null) return null;
            return new Effect(target, capacity, duration, dropout, giveUp, referrals, exits, from, to, transition, ramp);
        }

        private List<BaselineTransition> ReadBaseline(MapView top)
        {
            var list = new List<BaselineTransition>();
            var b = top.Child("baseline");
            if (b is null) return list;
            foreach (var t in b.List("transitions", idKey: "from"))
            {
                var from = t.Str("from", required: true);
                var to = t.Str("to", required: true);
                var okF = Ref(_incomes, from, t.Get("from"), t.Sub("from"), "income state");
                var okT = Ref(_incomes, to, t.Get("to"), t.Sub("to"), "income state");
                var p = t.Param("monthly", required: true, min: 0, max: 1);
                t.Str("source");
                t.Str("note");
                t.Done();
                if (okF && okT && from == to) { _r.Error(t.Node, t.Path, "a transition must go to another state"); continue; }
                if (okF && okT && p is not null)
                {
                    if (list.Any(x => x.From == from && x.To == to)) _r.Error(t.Node, t.Path, $"duplicate transition {from} → {to}");
                    list.Add(new BaselineTransition(from!, to!, p));
                }
            }
            foreach (var g in list.GroupBy(t => t.From))
            {
                var max = g.Sum(t => t.Monthly.Dist.Upper);
                if (max > 1 + 1e-9)
                    _r.Error(b.Get("transitions")!, "baseline.transitions", $"monthly probabilities out of '{g.Key}' can sum to {YamlReader.Fmt(max)}, more than 1");
            }
            b.Done();
            return list;
        }

        private RecordedResult? ReadRecorded(MapView m)
        {
            var id = m.Str("id", required: true);
            var q = Word(m, "quantity", Keyword.Quantities, required: true);
            var qText = q is { } quantity ? Keyword.Quantities.NameOf(quantity) : null;
            var insats = m.Str("insats", required: true);
            var okI = RefInsats(insats, m.Get("insats"), m.Sub("insats"));
            var isDist = q is RecordedQuantity.ExitOccupation or RecordedQuantity.StartIncome or RecordedQuantity.StartOccupation;
            double? value = null;
            Dictionary<string, double>? counts = null;
            if (q is not null && isDist)
            {
                var known = q == RecordedQuantity.StartIncome ? _incomes : _occupations;
                var c = m.Child("counts", required: true);
                if (c is not null)
                {
                    counts = new Dictionary<string, double>(StringComparer.Ordinal);
                    foreach (var (k, v) in c.Node.Children)
                    {
                        var cat = ((YamlScalarNode)k).Value ?? "";
                        c.Get(cat);
                        if (Ref(known, cat, k, c.Sub(cat), q == RecordedQuantity.StartIncome ? "income state" : "occupation")
                            && _r.Number(v, c.Sub(cat), 0) is { } n) counts[cat] = n;
                    }
                    if (counts.Count > 0 && counts.Values.Sum() <= 0)
                        _r.Error(c.Node, c.Path, "recorded counts sum to 0: nothing to compare with");
                }
                if (m.Has("value")) _r.Error(m.Get("value")!, m.Sub("value"), $"'{qText}' is a distribution: give 'counts', not 'value'");
            }
            else if (q is not null)
            {
                value = m.Number("value", required: true, min: 0);
                if (m.Has("counts")) _r.Error(m.Get("counts")!, m.Sub("counts"), $"'{qText}' is a single number: give 'value', not 'counts'");
            }
            var from = m.Month("from") ?? _start;
            var to = m.Month("to") ?? _start.AddMonths(_months - 1);
            if (to < from) _r.Error(m.Node, m.Path, $"period ends ({to}) before it starts ({from})");
            if (_horizonKnown && (from < _start || to > _start.AddMonths(_months - 1)))
                _r.Error(m.Node, m.Path, $"the period {from}…{to} lies outside the horizon {_start}…{_start.AddMonths(_months - 1)}");
            var src = m.Str("source", required: true);
            var note = m.Str("note");
            m.Done();
            if (id is null || q is null || !okI || src is null || (isDist ? counts is null : value is null)) return null;
            return new RecordedResult(id, q.Value, insats!, value, counts, from, to, src, note);
        }
    }
}
