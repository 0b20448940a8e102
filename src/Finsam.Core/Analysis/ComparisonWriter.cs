using System.Globalization;
using System.Text;
using System.Text.Json;
using Finsam.Core.Results;

namespace Finsam.Core.Analysis;

/// <summary>Writes a comparison as comparison.json and comparison.csv (one row per figure and alternative).</summary>
public static class ComparisonWriter
{
    public static string ToJson(ComparisonResult c) => JsonSerializer.Serialize(c, ResultWriter.Json) + "\n";

    public static ComparisonResult FromJson(string json) =>
        JsonSerializer.Deserialize<ComparisonResult>(json, ResultWriter.Json) ?? throw new InvalidDataException("comparison.json is empty");

    public static string ToCsv(ComparisonResult c)
    {
        var sb = new StringBuilder();
        string[] header =
        [
            "section", "party", "figure", "label", "unit", "better", "alternative",
            "mean", "p5", "p50", "p95", "difference_mean", "difference_p5", "difference_p50", "difference_p95",
            "p_higher", "p_lower", "p_better", "pairs",
        ];
        CsvWriter.AppendRow(sb, header);
        void Rows(string section, string party, FigureComparison f)
        {
            foreach (var v in f.Values)
            {
                string[] row =
                [
                    section, party, f.Key, f.Label, f.Unit, f.Better.ToString().ToLowerInvariant(), v.Alternative,
                    Num(v.Value?.Mean), Num(v.Value?.P5), Num(v.Value?.P50), Num(v.Value?.P95),
                    Num(v.Difference?.Mean), Num(v.Difference?.P5), Num(v.Difference?.P50), Num(v.Difference?.P95),
                    Num(v.ProbabilityHigher), Num(v.ProbabilityLower), Num(v.ProbabilityBetter), v.Pairs.ToString(CultureInfo.InvariantCulture),
                ];
                CsvWriter.AppendRow(sb, row);
            }
        }
        foreach (var f in c.Figures) Rows("headline", "", f);
        foreach (var p in c.Parties)
            foreach (var m in p.Measures) Rows("party", p.Party, m);
        return sb.ToString();
    }

    /// <summary>Writes both files into <paramref name="dir"/> (created if missing); each file appears whole or not at all.</summary>
    public static void Write(ComparisonResult c, string dir)
    {
        Directory.CreateDirectory(dir);
        WriteAtomically(Path.Combine(dir, "comparison.json"), ToJson(c), bom: false);
        // With a byte order mark so Excel reads å, ä and ö.
        WriteAtomically(Path.Combine(dir, "comparison.csv"), ToCsv(c), bom: true);
    }

    private static void WriteAtomically(string path, string text, bool bom)
    {
        var tmp = path + $".partial-{Environment.ProcessId}";
        try
        {
            File.WriteAllText(tmp, text, new UTF8Encoding(bom));
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static string Num(double? v) => CsvWriter.Number(v);
}
