using System.Text;
using Finsam.Core.Loading;
using Finsam.Core.Scenarios;
using Finsam.Grains.Simulation;

namespace Finsam.Grains.Runs;

/// <summary>
/// What a run id stands for: the scenario's content (its text and catalogs, not the file's name),
/// the variant, the overlay, and the seed and replicate count in effect. A request under a used run
/// id must match it, or it would get another scenario's result.
/// </summary>
[GenerateSerializer, Immutable, Alias("finsam.run-identity")]
public sealed record RunIdentity(
    [property: Id(0)] string Scenario,
    [property: Id(1)] string? Variant,
    [property: Id(2)] string? Overlay,
    [property: Id(3)] ulong? Seed,
    [property: Id(4)] int? Replicates)
{
    /// <summary>
    /// The identity of a request. Seed and replicates are the values in effect (an override equal to
    /// the scenario's own value is the same run); for a scenario that does not load, the overrides given.
    /// </summary>
    public static RunIdentity Of(ScenarioPayload p)
    {
        var scenario = new StringBuilder().Append(p.Text).Append('\0');
        foreach (var (k, v) in p.Includes.OrderBy(kv => kv.Key, StringComparer.Ordinal)) scenario.Append(k).Append('\0').Append(v).Append('\0');
        ulong? seed = p.Seed;
        int? replicates = p.Replicates;
        try
        {
            var loaded = p.Load();
            (seed, replicates) = (loaded.Seed, loaded.Replicates);
        }
        catch (ScenarioException)
        {
            // Not valid: bound to the text and the overrides as given.
        }
        return new(ContentHash.Of(scenario.ToString()), p.Variant, p.OverlayText is null ? null : ContentHash.Of(p.OverlayText), seed, replicates);
    }

    /// <summary>The parts in which <paramref name="other"/> differs, by name (never their values: they may hold anything).</summary>
    public IReadOnlyList<string> DifferencesFrom(RunIdentity other)
    {
        var parts = new List<string>();
        if (Scenario != other.Scenario) parts.Add("scenario");
        if (Variant != other.Variant) parts.Add("variant");
        if (Overlay != other.Overlay) parts.Add("overlay");
        if (Seed != other.Seed) parts.Add("seed");
        if (Replicates != other.Replicates) parts.Add("replicates");
        return parts;
    }
}

/// <summary>A run id already names a different run (see <see cref="RunIdentity"/>): nothing was started.</summary>
[GenerateSerializer, Alias("finsam.run-id-in-use")]
public sealed class RunIdInUseException : Exception
{
    public RunIdInUseException() { }

    public RunIdInUseException(string runId, IReadOnlyList<string> differences)
        : base($"run id '{runId}' is already used by a run with a different {string.Join(", ", differences)}; choose another run id, or repeat that run's request exactly")
    {
        RunId = runId;
        Differences = [.. differences];
    }

    [Id(0)] public string RunId { get; init; } = "";

    [Id(1)] public string[] Differences { get; init; } = [];
}

/// <summary>Which strings a client may choose as a run id.</summary>
public static class RunIds
{
    public const int MaxLength = 100;

    /// <summary>What a valid run id is, for error messages.</summary>
    public const string Rule = "1–100 letters, digits, '-', '_' or '.', and no personal identity number";

    // A run id is stored and shown everywhere: one shaped like a personnummer would carry it into the database and logs.
    public static bool IsValid(string id) =>
        id.Length is > 0 and <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
        && Core.Loading.PersonnummerGuard.Scan(id).Count == 0;
}
