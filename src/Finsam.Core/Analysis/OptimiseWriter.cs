using System.Globalization;
using System.Text;
using System.Text.Json;
using Finsam.Core.Results;

namespace Finsam.Core.Analysis;

/// <summary>
/// Writes an optimisation as optimise.json (everything), optimise_candidates.csv (every alternative on the search
/// replicates, with the frontier marked) and optimise_final.csv (the plan, the variants and the best few on the final
/// replicates); the final run's full comparison goes to comparison.json and comparison.csv as <c>finsam compare</c> writes them.
/// </summary>
public static class OptimiseWriter
{
    public static string ToJson(OptimiseResult r) => JsonSerializer.Serialize(r, ResultWriter.Json) + "\n";

    public static OptimiseResult FromJson(string json) =>
        JsonSerializer.Deserialize<OptimiseResult>(json, ResultWriter.Json) ?? throw new InvalidDataException("optimise.json is empty");

    public static string CandidatesCsv(OptimiseResult r)
    {
        var sb = new StringBuilder();
        CsvWriter.AppendRow(sb, new[] { "name", "stage", "feasible", "problem" }
            .Concat(r.Dimensions.Select(d => d.Path))
            .Concat(["money", "spend_mean", "objective_mean", "objective_p5", "objective_p50", "objective_p95", "missing", "on_frontier"]));
        foreach (var c in r.Candidates)
            CsvWriter.AppendRow(sb, new[] { c.Name, c.Stage, Bool(c.Feasible), c.Problem ?? "" }
                .Concat(r.Dimensions.Select((_, i) => c.Settings is { } s ? Num(s[i]) : ""))
                .Concat([Num(c.Money), Num(c.Spend?.Mean), Num(c.Objective?.Mean), Num(c.Objective?.P5), Num(c.Objective?.P50), Num(c.Objective?.P95),
                    c.Missing.ToString(CultureInfo.InvariantCulture), Bool(c.OnFrontier)]));
        return sb.ToString();
    }

    public static string FinalCsv(OptimiseResult r)
    {
        var sb = new StringBuilder();
        CsvWriter.AppendRow(sb, ["name", "kind", "description", "within_budget", "money", "spend_mean",
            "objective_mean", "objective_p5", "objective_p50", "objective_p95", "missing",
            "difference_mean", "difference_p5", "difference_p50", "difference_p95", "p_better_than_plan", "edits"]);
        foreach (var c in r.Confirmed)
            CsvWriter.AppendRow(sb, [c.Name, c.Kind, c.Description ?? "", Bool(c.WithinBudget), Num(c.Money), Num(c.Spend?.Mean),
                Num(c.Objective?.Mean), Num(c.Objective?.P5), Num(c.Objective?.P50), Num(c.Objective?.P95), c.Missing.ToString(CultureInfo.InvariantCulture),
                Num(c.Difference?.Mean), Num(c.Difference?.P5), Num(c.Difference?.P50), Num(c.Difference?.P95), Num(c.ProbabilityBetter),
                string.Join("; ", c.Edits)]);
        return sb.ToString();
    }

    /// <summary>Writes the files into <paramref name="dir"/> (created if missing); each appears whole or not at all.</summary>
    public static void Write(OptimiseResult r, string dir)
    {
        Directory.CreateDirectory(dir);
        Atomic(Path.Combine(dir, "optimise.json"), ToJson(r), bom: false);
        // With a byte order mark so Excel reads å, ä and ö.
        Atomic(Path.Combine(dir, "optimise_candidates.csv"), CandidatesCsv(r), bom: true);
        Atomic(Path.Combine(dir, "optimise_final.csv"), FinalCsv(r), bom: true);
        ComparisonWriter.Write(r.Comparison, dir);
    }

    internal static void Atomic(string path, string text, bool bom)
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

    private static string Bool(bool b) => b ? "true" : "false";
}
