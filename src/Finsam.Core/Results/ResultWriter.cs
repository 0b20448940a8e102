using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Finsam.Core.Results;

/// <summary>
/// Writes a run's summary as result.json and CSV files. Files are written to a temporary folder first
/// and moved into place together, so a failed run never leaves half a result behind.
/// </summary>
public static class ResultWriter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The whole summary, per-replicate figures included: what a cluster stores under a run id and sends to clients.</summary>
    public static string ToJson(RunSummary summary) => JsonSerializer.Serialize(summary, Json) + "\n";

    /// <summary>
    /// result.json as written to a result folder: the summary without the per-replicate figures, so its size
    /// does not grow with the replicate count. Those rows are in replicates.csv, replicates_parties.csv and
    /// economics_replicates.csv next to it.
    /// </summary>
    public static string FileJson(RunSummary summary) => ToJson(summary with
    {
        Replicates = null!,   // left out (null is not written)
        Economics = summary.Economics is { } e ? e with { Replicates = null! } : null,
    });

    /// <summary>Reads either form; a result.json file's missing per-replicate figures read as none.</summary>
    public static RunSummary FromJson(string json)
    {
        var s = JsonSerializer.Deserialize<RunSummary>(json, Json) ?? throw new InvalidDataException("result.json is empty");
        return s with
        {
            Replicates = s.Replicates ?? [],
            Economics = s.Economics is { Replicates: null } e ? e with { Replicates = [] } : s.Economics,
        };
    }

    /// <summary>The files of a result folder, by name, as text (tests and small results; <see cref="Write"/> streams them).</summary>
    public static IReadOnlyDictionary<string, string> Files(RunSummary s)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, write) in Writers(s))
        {
            using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
            write(text);
            files[name] = text.ToString();
        }
        return files;
    }

    /// <summary>Each file of a result folder with what writes it, in name order.</summary>
    public static IReadOnlyList<(string Name, Action<TextWriter> Write)> Writers(RunSummary s)
    {
        Action<TextWriter> Csv(string[] header, IEnumerable<IEnumerable<string>> rows) => w => CsvWriter.Table(w, header, rows);
        var files = new SortedDictionary<string, Action<TextWriter>>(StringComparer.Ordinal)
        {
            ["result.json"] = w => w.Write(FileJson(s)),   // bounded: no per-replicate rows
            ["headline.csv"] = Csv(["figure", "label", "unit", "mean", "p5", "p50", "p95"],
                s.Headline.Select(f => Row(f.Key, f.Label, f.Unit, f.Value))),
            ["income_at_horizon.csv"] = Csv(["income_state", "payer", "mean", "p5", "p50", "p95", "counterfactual_mean", "counterfactual_p5", "counterfactual_p50", "counterfactual_p95"],
                s.IncomeAtHorizon.Select(x => Row(x.State, x.Payer, x.People).Concat(Values(x.Counterfactual)))),
            ["income_monthly.csv"] = Csv(["month", "income_state", "mean", "p5", "p50", "p95", "counterfactual_mean", "counterfactual_p5", "counterfactual_p50", "counterfactual_p95"],
                s.Monthly.Income.SelectMany((series, k) => series.Values.Select((v, m) =>
                    Row(s.Run.MonthLabels[m], series.Name, v).Concat(Values(s.Monthly.CounterfactualIncome[k].Values[m]))))),
            ["insatser.csv"] = Csv(["insats", "name", "figure", "mean", "p5", "p50", "p95"],
                s.Insatser.SelectMany(i => InsatsFigures(i).Select(f => Row(i.Id, i.Name, f.Name, f.Value)))),
            ["insatser_monthly.csv"] = Csv(["month", "insats", "series", "mean", "p5", "p50", "p95"],
                s.Monthly.Insatser.SelectMany(i => new (string, IReadOnlyList<Stat?>)[]
                    {
                        ("capacity", i.Capacity), ("occupancy", i.Occupancy), ("queue", i.Queue),
                        ("admitted", i.Admitted), ("ended", i.Ended), ("mean_wait", i.MeanWait),
                    }.SelectMany(t => t.Item2.Select((v, m) => Row(s.Run.MonthLabels[m], i.Id, t.Item1, v))))),
            ["exits.csv"] = Csv(["insats", "occupation", "mean", "p5", "p50", "p95"],
                s.Insatser.SelectMany(i => i.ExitsByOccupation.Select(e => Row(i.Id, e.Category, e.Value)))),
            ["parties.csv"] = Csv(["party", "name", "kind", "figure", "mean", "p5", "p50", "p95"],
                s.Parties.SelectMany(p => new (string, Stat)[]
                    {
                        ("contribution", p.Contribution), ("in_kind", p.InKind), ("ersattning_paid", p.ErsattningPaid),
                        ("ersattning_counterfactual", p.CounterfactualPaid), ("ersattning_difference", p.Difference), ("net", p.Net),
                    }.Select(t => Row(p.Id, p.Name, p.Kind, t.Item1, t.Item2)))),
            ["parties_monthly.csv"] = Csv(["month", "party", "series", "mean", "p5", "p50", "p95"],
                s.Monthly.Parties.SelectMany(p => new (string, IReadOnlyList<Stat>)[]
                    { ("contribution", p.Contribution), ("ersattning_paid", p.Paid), ("ersattning_counterfactual", p.CounterfactualPaid) }
                    .SelectMany(t => t.Item2.Select((v, m) => Row(s.Run.MonthLabels[m], p.Id, t.Item1, v))))),
            ["payers.csv"] = Csv(["payer", "name", "figure", "mean", "p5", "p50", "p95"],
                s.Payers.SelectMany(p => new (string, Stat)[] { ("paid", p.Paid), ("counterfactual", p.CounterfactualPaid), ("difference", p.Difference) }
                    .Select(t => Row(p.Id, p.Name, t.Item1, t.Item2)))),
            ["replicates.csv"] = s.Replicates is ReplicateTable table
                ? w => ReplicateCsv.Figures(w, table, ["replicate", .. s.Headline.Select(h => h.Key)], [.. s.Headline.Select(h => table.Keys.ToList().IndexOf(h.Key))])
                : Csv(new[] { "replicate" }.Concat(s.Headline.Select(h => h.Key)).ToArray(),
                    s.Replicates.Select(r => new[] { r.Replicate.ToString(CultureInfo.InvariantCulture) }
                        .Concat(s.Headline.Select(h => r.Figures.GetValueOrDefault(h.Key) is { } v ? Num(v) : "")))),
            ["replicates_parties.csv"] = s.Replicates is ReplicateTable partyTable
                ? w => ReplicateCsv.Parties(w, partyTable, PartyHeader)
                : Csv(PartyHeader,
                    s.Replicates.SelectMany(r => (r.Parties ?? []).Select(p => new[]
                    {
                        r.Replicate.ToString(CultureInfo.InvariantCulture), p.Party, Num(p.Contribution), Num(p.InKind), Num(p.Paid), Num(p.CounterfactualPaid), Num(p.Net),
                    }))),
        };
        if (s.Recorded is { } rec)
            files["recorded.csv"] = Csv(["id", "quantity", "insats", "period", "category", "observed", "observed_share", "forecast_mean", "forecast_p5", "forecast_p95", "forecast_share_mean", "forecast_share_p5", "forecast_share_p95", "inside_90", "source"],
                rec.Checks.SelectMany(RecordedRows));
        // The board's tables (socio-economic account, sensitivity): Analysis/BoardFiles.cs.
        foreach (var (name, header, rows) in Analysis.BoardFiles.Tables(s)) files[name] = Csv(header, rows);
        if (s.Economics?.Replicates is ReplicateTable economics)   // the same text, without an object per replicate
            files["economics_replicates.csv"] = w => ReplicateCsv.Figures(w, economics, ["replicate", .. economics.Keys], [.. Enumerable.Range(0, economics.Keys.Count)]);
        return files.Select(f => (f.Key, f.Value)).ToList();
    }

    private static readonly string[] PartyHeader = ["replicate", "party", "contribution", "in_kind", "ersattning_paid", "ersattning_counterfactual", "net"];

    /// <summary>recorded.csv rows of one check: a subgroup is named with the quantity; Okänt is a row of its own, left out.</summary>
    private static IEnumerable<string[]> RecordedRows(RecordedCheck c)
    {
        var quantity = c.Subgroup is { } sg ? $"{c.Quantity} | {sg}" : c.Quantity;
        if (c.Categories is null)
        {
            yield return [c.Id, quantity, c.Insats, c.Period, "", Num(c.Observed), "", Num(c.Forecast?.Mean), Num(c.Forecast?.P5), Num(c.Forecast?.P95), "", "", "", c.Inside ? "yes" : "no", c.Source];
            yield break;
        }
        foreach (var k in c.Categories)
            yield return [c.Id, quantity, c.Insats, c.Period, k.Category, Num(k.ObservedCount), Num(k.ObservedShare),
                Num(k.ForecastCount.Mean), Num(k.ForecastCount.P5), Num(k.ForecastCount.P95), Num(k.ForecastShare.Mean), Num(k.ForecastShare.P5), Num(k.ForecastShare.P95),
                k.NotCounted is not null ? "not counted" : k.Inside ? "yes" : "no", c.Source];
        if (c.NotAccounted is { } unknown)
            yield return [c.Id, quantity, c.Insats, c.Period, Scenarios.RecordedCategory.Unknown, Num(unknown), "", "", "", "", "", "", "", "left out", c.Source];
    }

    public static IEnumerable<(string Name, Stat? Value)> InsatsFigures(InsatsSummary i) =>
    [
        ("referred", i.Referred), ("ineligible", i.Ineligible), ("admitted", i.Admitted), ("ended", i.Ended),
        ("planned_exits", i.Planned), ("unplanned_exits", i.Unplanned), ("chained", i.Chained), ("gave_up", i.GaveUp),
        ("turned_away", i.TurnedAway), ("mean_capacity", i.MeanCapacity), ("mean_occupancy", i.MeanOccupancy),
        ("queue_at_horizon", i.QueueAtHorizon), ("mean_wait_months", i.MeanWait), ("wait_p50_months", i.WaitP50),
        ("wait_p90_months", i.WaitP90), ("spend", i.Spend),
    ];

    /// <summary>Writes every file into <paramref name="dir"/>, replacing earlier results there.</summary>
    public static void Write(RunSummary summary, string dir)
    {
        var full = Path.GetFullPath(dir);
        var parent = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(staging)) Directory.Delete(staging, true);
        Directory.CreateDirectory(staging);
        try
        {
            var files = Writers(summary);
            // UTF-8 with BOM for CSV so Excel reads å, ä and ö; JSON without. Each file is written as it is made.
            foreach (var (name, write) in files)
            {
                using var writer = new StreamWriter(Path.Combine(staging, name), false, new UTF8Encoding(name.EndsWith(".csv", StringComparison.Ordinal)), 1 << 16);
                write(writer);
            }
            Directory.CreateDirectory(full);
            foreach (var (name, _) in files)
                File.Move(Path.Combine(staging, name), Path.Combine(full, name), overwrite: true);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, true);
        }
    }

    private static IEnumerable<string> Row(string a, string b, Stat? v) => new[] { a, b }.Concat(Values(v));
    private static IEnumerable<string> Row(string a, string b, string c, Stat? v) => new[] { a, b, c }.Concat(Values(v));
    private static IEnumerable<string> Row(string a, string b, string c, string d, Stat? v) => new[] { a, b, c, d }.Concat(Values(v));

    private static IEnumerable<string> Values(Stat? v) => v is null ? ["", "", "", ""] : [Num(v.Mean), Num(v.P5), Num(v.P50), Num(v.P95)];

    private static string Num(double? v) => CsvWriter.Number(v);
}
