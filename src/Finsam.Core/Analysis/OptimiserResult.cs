using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Analysis;

/// <summary>
/// What to optimise (<c>finsam optimise</c>, docs/optimise.md). <see cref="Variant"/> is the plan (null: the base
/// scenario); <see cref="Over"/> the <c>--over PATH=RANGE</c> dimensions (empty: every year's split);
/// <see cref="Budget"/> the most money a candidate may have over the horizon (null: the plan's);
/// <see cref="References"/> the hand-written variants shown next to the result (null: all of them but the plan).
/// The search runs <see cref="SearchReplicates"/> replicates per candidate with <see cref="SearchSeed"/>; the best
/// <see cref="Top"/>, the plan and the references are then run again with <see cref="Replicates"/> and <see cref="Seed"/>.
/// </summary>
public sealed record OptimiseRequest
{
    public required ScenarioSource Source { get; init; }
    public string? Variant { get; init; }
    public required string Objective { get; init; }
    public Better? Direction { get; init; }
    public double? Budget { get; init; }
    public IReadOnlyList<string> Over { get; init; } = [];
    public IReadOnlyList<string>? References { get; init; }
    public int? SearchReplicates { get; init; }
    public ulong? SearchSeed { get; init; }
    public int? Replicates { get; init; }
    public ulong? Seed { get; init; }
    public int MaxCandidates { get; init; } = Optimiser.DefaultMaxCandidates;
    public int Top { get; init; } = 5;
    /// <summary>Candidates run at once: 1 in this process (each run already uses every core), more on a cluster.</summary>
    public int Parallel { get; init; } = 1;
}

/// <summary>Everything checked before a run: the plan, the dimensions, the objective, the budget and the work.</summary>
public sealed record OptimisePlan(
    OptimiseRequest Request, Scenario Plan, string PlanName, IReadOnlyList<SearchDimension> Dimensions,
    ObjectiveInfo Objective, double Budget, double PlanMoney, IReadOnlyList<ReferenceAlternative> References,
    int SearchReplicates, ulong SearchSeed, int Replicates, ulong Seed, long WorstCaseReplicateRuns);

/// <summary>A hand-written variant shown next to the result, with the money it has and whether that is within the budget.</summary>
public sealed record ReferenceAlternative(string Name, string? Description, double Money, bool WithinBudget, IReadOnlyList<double>? Settings);

/// <summary>The figure optimised: a headline or socio-economic key, its label and unit, and which way is better.</summary>
public sealed record ObjectiveInfo(string Key, string Label, string Unit, Better Direction);

/// <summary>A search dimension as reported: the path, what it sets, the values it may take and the plan's value.</summary>
public sealed record DimensionInfo(string Path, string Kind, string Unit, IReadOnlyList<double> Values, double? Plan);

/// <summary>How the search went: method, why it stopped, its seed and replicates, and the work done.</summary>
public sealed record SearchInfo(string Method, string StopReason, ulong Seed, int Replicates, int Candidates, int MaxCandidates, long ReplicateRuns);

/// <summary>
/// One alternative scored on the search replicates: a candidate (<see cref="Stage"/> grid, start or poll), the plan or
/// a variant. <see cref="Settings"/> has one value per dimension for a candidate. Infeasible ones were not run.
/// </summary>
public sealed record CandidateInfo(
    string Name, string Stage, IReadOnlyList<double>? Settings, double? Money, bool Feasible, string? Problem,
    Stat? Objective, int Missing, Stat? Spend, bool OnFrontier);

/// <summary>
/// An alternative run again on the final replicates: the plan, a variant, or one of the best candidates
/// (<see cref="Kind"/> plan, variant, optimised). The difference against the plan is paired replicate by replicate;
/// <see cref="ProbabilityBetter"/> counts strict wins (null when every pair ties).
/// </summary>
public sealed record ConfirmedAlternative(
    string Name, string Kind, string? Description, IReadOnlyList<double>? Settings, IReadOnlyList<string> Edits,
    double Money, bool WithinBudget, Stat? Objective, int Missing, Stat? Difference, double? ProbabilityBetter, Stat? Spend);

/// <summary>The best against one hand-written variant within the budget, on the final replicates: beats, ties or loses.</summary>
public sealed record VariantVerdict(string Variant, string Outcome, double? Difference);

/// <summary>What <c>finsam optimise</c> found (optimise.json).</summary>
public sealed record OptimiseResult(
    string Scenario, string File, string Plan, ObjectiveInfo Objective, double Budget, double PlanMoney,
    IReadOnlyList<DimensionInfo> Dimensions, SearchInfo Search,
    IReadOnlyList<CandidateInfo> Candidates,
    ulong Seed, int Replicates, IReadOnlyList<ConfirmedAlternative> Confirmed,
    string Best, IReadOnlyList<VariantVerdict> Verdicts, string BestVariantYaml,
    ComparisonResult Comparison);
