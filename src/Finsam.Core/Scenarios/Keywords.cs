namespace Finsam.Core.Scenarios;

/// <summary>A closed set of words a scenario file may use for one field, and the value each stands for.</summary>
public sealed class Keywords<T> where T : struct
{
    private readonly Dictionary<string, T> _words;

    public Keywords(string what, IEnumerable<(string Word, T Value)> words, bool ignoreCase = false, string? shown = null)
    {
        What = what;
        _words = words.ToDictionary(w => w.Word, w => w.Value, ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        var list = _words.Keys.ToList();
        Shown = shown ?? (list.Count == 1 ? list[0] : $"{string.Join(", ", list[..^1])} or {list[^1]}");
    }

    /// <summary>What the words name, for messages ("insats kind").</summary>
    public string What { get; }

    /// <summary>The accepted words as a message lists them ("individual or structural").</summary>
    public string Shown { get; }

    public IEnumerable<string> Words => _words.Keys;

    public T? Parse(string? word) => word is not null && _words.TryGetValue(word, out var v) ? v : null;

    /// <summary>The word for a value (the first one listed when there are synonyms).</summary>
    public string NameOf(T value) => _words.First(kv => EqualityComparer<T>.Default.Equals(kv.Value, value)).Key;
}

/// <summary>The enumerations of the scenario format, in one place, so reading and writing use the same words.</summary>
public static class Keyword
{
    public static readonly Keywords<PartyKind> PartyKinds = new("party kind",
        [("FK", PartyKind.FK), ("AF", PartyKind.AF), ("region", PartyKind.Region), ("landsting", PartyKind.Region), ("kommun", PartyKind.Kommun)],
        ignoreCase: true, shown: "FK, AF, region or kommun");

    public static readonly Keywords<InsatsKind> InsatsKinds = new("insats kind",
        [("individual", InsatsKind.Individual), ("structural", InsatsKind.Structural)]);

    public static readonly Keywords<Outcome> Outcomes = new("outcome",
        [("work", Outcome.Work), ("studies", Outcome.Studies), ("none", Outcome.None)]);

    public static readonly Keywords<DurationKind> Durations = new("duration distribution",
        [("geometric", DurationKind.Geometric), ("fixed", DurationKind.Fixed), ("uniform", DurationKind.Uniform),
         ("gamma", DurationKind.Gamma), ("lognormal", DurationKind.LogNormal)]);

    public static readonly Keywords<RecordedQuantity> Quantities = new("quantity",
        [("admitted", RecordedQuantity.Admitted), ("ended", RecordedQuantity.Ended), ("unplanned", RecordedQuantity.Unplanned),
         ("exit_occupation", RecordedQuantity.ExitOccupation), ("start_income", RecordedQuantity.StartIncome),
         ("start_occupation", RecordedQuantity.StartOccupation), ("queue", RecordedQuantity.Queue), ("occupancy", RecordedQuantity.Occupancy),
         ("exit_income", RecordedQuantity.ExitIncome), ("income_transition", RecordedQuantity.IncomeTransition),
         ("occupation_transition", RecordedQuantity.OccupationTransition), ("mean_stay", RecordedQuantity.MeanStay),
         ("time_in_insats", RecordedQuantity.TimeInInsats), ("exit_reason", RecordedQuantity.ExitReason)]);
}
