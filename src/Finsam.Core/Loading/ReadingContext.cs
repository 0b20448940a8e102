using Finsam.Core.Scenarios;

namespace Finsam.Core.Loading;

/// <summary>
/// What the section readers of one file share: the file's reader (positions and diagnostics), the ids
/// known so far and the horizon once it is read.
/// </summary>
internal sealed class ReadingContext
{
    public ReadingContext(ScenarioSource source, DiagnosticBag bag, YamlReader reader)
    {
        Source = source;
        Bag = bag;
        R = reader;
        Ids = new IdRegistry(reader);
        Priors = new PriorsReader(this);
    }

    /// <summary>The scenario's <c>priors:</c> file and what it filled in.</summary>
    public PriorsReader Priors { get; }

    public ScenarioSource Source { get; }
    public DiagnosticBag Bag { get; }
    public YamlReader R { get; }
    public IdRegistry Ids { get; }

    public YearMonth Start { get; set; }
    public int Months { get; set; }
    // False when the horizon could not be read: checks against it would only report follow-on noise.
    public bool HorizonKnown { get; set; }

    /// <summary>A field whose value is one of a fixed set of words; an unknown word is reported with the ones allowed.</summary>
    public T? Word<T>(MapView m, string key, Keywords<T> words, bool required = false) where T : struct
    {
        var text = m.Str(key, required);
        if (text is null) return null;
        var value = words.Parse(text);
        if (value is null)
            R.Error(m.Get(key)!, m.Sub(key), $"unknown {words.What} '{text}': expected {words.Shown}{YamlReader.Suggest(text, words.Words)}");
        return value;
    }
}
