using System.Globalization;
using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>
/// Reads one scenario file: parses it, applies the variant and overlay, reads the top level and the
/// horizon, collects every id, then hands each section to its reader and assembles the <see cref="Scenario"/>.
/// </summary>
internal sealed class ScenarioBuilder
{
    private readonly ReadingContext _cx;
    private readonly YamlReader _r;

    public ScenarioBuilder(ScenarioSource source, DiagnosticBag bag)
    {
        _r = new YamlReader(source.FileName, bag);
        _cx = new ReadingContext(source, bag, _r);
    }

    public Scenario? Build(string? variant)
    {
        var root = ScenarioYamlParser.Parse(_r, _cx.Source.Text);
        if (root is null) return null;

        var overrides = new VariantAndOverlayReader(_cx);
        var variants = overrides.ReadVariants(root, variant);
        var overlay = _cx.Source.Overlay is { } ov ? overrides.ApplyOverlay(root, ov, variant) : null;
        var top = new MapView(_r, root, "");
        var version = top.Int("finsam");
        if (version is not null and not 1)
            _r.Error(top.Get("finsam")!, "finsam", $"unsupported format version {version}; this Finsam reads version 1");

        var catalogs = new CatalogReader(_cx);
        var catalog = catalogs.Load(top);

        var forbund = top.Child("forbund", required: true);
        var name = forbund?.Str("name", required: true) ?? "";
        var citation = forbund?.Str("source");
        forbund?.Done();

        var horizon = top.Child("horizon", required: true);
        var start = horizon?.Month("start", required: true);
        _cx.Start = start ?? new YearMonth(2000, 1);
        var monthsNode = horizon?.Get("months");
        _cx.Months = 1;
        if (horizon is not null && monthsNode is null)
            _r.Error(horizon.Node, "horizon.months", "missing required field 'months'");
        else if (monthsNode is not null && _r.Number(monthsNode, "horizon.months", what: "a whole number of months") is { } m)
        {
            if (m <= 0) _r.Error(monthsNode, "horizon.months", $"the horizon must be at least 1 month, found {YamlReader.Fmt(m)}");
            else if (m > ScenarioLoader.MaxMonths || m != Math.Floor(m)) _r.Error(monthsNode, "horizon.months", $"expected a whole number of months between 1 and {ScenarioLoader.MaxMonths}");
            else
            {
                _cx.Months = (int)m;
                _cx.HorizonKnown = start is not null;
            }
        }
        horizon?.Done();

        var seed = ReadSeed(top);
        var replicates = top.Int("replicates", min: 1, max: WorkBudget.MaxReplicates) ?? 100;

        // First pass: every id that can be referred to, so references can be checked in one go.
        _cx.Ids.CollectScenario(top, catalog);

        // Second pass: read everything, checking references and ranges as we go.
        var payers = CatalogReader.Merge(catalog.Payers, top.List("payers").Select(catalogs.ReadPayer));
        var incomeStates = CatalogReader.Merge(catalog.IncomeStates, top.List("income_states").Select(m => catalogs.ReadIncomeState(m)));
        var occupations = CatalogReader.Merge(catalog.Occupations, top.List("occupations").Select(m => catalogs.ReadOccupation(m)));
        if (incomeStates.Count == 0)
            _r.Error(root, "income_states", "no income states: name a catalog or list income_states");
        if (occupations.Count == 0)
            _r.Error(root, "occupations", "no occupations: name a catalog or list occupations");

        var parties = new PartiesReader(_cx).Read(top);
        var budget = new BudgetReader(_cx).Read(top, parties);
        var groups = top.List("target_groups", required: true).Select(new TargetGroupReader(_cx).Read).OfType<TargetGroup>().ToList();
        var exitModelReader = new ExitModelReader(_cx);
        var exitModels = top.List("exit_models").Select(m => exitModelReader.Read(m, occupations)).OfType<ExitModel>().ToList();
        _cx.Priors.Load(top);
        var insatsReader = new InsatsReader(_cx, occupations);
        var insatser = top.List("insatser", required: true).Select(insatsReader.Read).OfType<Insats>().ToList();
        exitModels.AddRange(_cx.Priors.Models);
        var referrals = new ReferralReader(_cx).Read(top);
        var baseline = new BaselineReader(_cx).Read(top);
        var recordedGroups = top.Child("groups") is { } g ? RecordedGroupsReader.Read(_cx, g) : [];
        var recorded = top.List("recorded").Select(new RecordedReader(_cx, recordedGroups).Read).OfType<RecordedResult>().ToList();
        _cx.Ids.CheckDuplicates(top.Get("recorded"), "recorded");
        top.Get("variants"); // read in ReadVariants
        top.Get("catalog");
        var economics = Economics.EconomicsReader.Read(top, _cx.Source, _cx.Bag, incomeStates, _cx.Ids.Occupations); // src/Finsam.Core/Economics
        top.Done();

        if (top.Get("target_groups") is YamlSequenceNode { Children.Count: 0 } emptyGroups)
            _r.Error(emptyGroups, "target_groups", "at least one target group is needed");

        ChainLoops.Check(_r, top.Get("insatser"));
        if (_cx.Bag.HasErrors) return null;
        var scenario = new Scenario
        {
            File = _cx.Source.FileName,
            Name = name,
            Source = citation,
            Variant = variant,
            Overlay = overlay,
            Start = _cx.Start,
            Months = _cx.Months,
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
            PriorsNotes = _cx.Priors.Notes,
            Economics = economics,
        };
        return WithinBudget(top, scenario);
    }

    /// <summary>The scenario's own run (its 'replicates') against the <see cref="WorkBudget"/>; reported where the user can fix it.</summary>
    private Scenario? WithinBudget(MapView top, Scenario scenario)
    {
        if (WorkBudget.CheckRun(scenario, scenario.Replicates) is not { } over) return scenario;
        var participants = WorkBudget.ExpectedParticipants(scenario) > WorkBudget.MaxParticipants;
        var at = (participants ? top.Get("referrals") : top.Get("replicates")) ?? top.Get("referrals") ?? top.Node;
        _r.Error(at, participants || top.Get("replicates") is null ? "referrals" : "replicates", over);
        return null;
    }

    private ulong ReadSeed(MapView top)
    {
        var node = top.Get("seed");
        if (node is null) return 1;
        // A tagged (!!str 42) or quoted ("42") seed is text, as everywhere in the format.
        if (node is YamlScalarNode { Value: { } s, Style: YamlDotNet.Core.ScalarStyle.Plain, Tag.IsEmpty: true } && ulong.TryParse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
            return seed;
        var text = node is YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.Plain } ? " (in quotes, so it is text: remove the quotes)"
            : node is YamlScalarNode { Tag.IsEmpty: false } ? " (tagged as text with '!!', so it is not a number: remove the tag)" : "";
        _r.Error(node, "seed", $"expected a whole number ≥ 0, found {YamlReader.Describe(node)}{text}");
        return 1;
    }
}
