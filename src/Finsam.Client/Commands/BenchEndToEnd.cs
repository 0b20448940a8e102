using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary>
/// <c>finsam bench --end-to-end</c>: what a user waits for. Each round runs <c>finsam run FILE --cluster MODE
/// --replicates R --out DIR</c> as a whole new process (runtime start, loading, the silo's start and stop,
/// simulating, summarising, writing), in-process and embedded back to back, alternating which goes first.
/// Reports the median wall time of each mode, the median of the rounds' embedded/in-process ratios, and
/// whether the two result folders are byte-identical.
/// </summary>
public static class BenchEndToEnd
{
    public sealed record Row(string Scenario, int Replicates, double InProcess, double Embedded, double Ratio, double RatioLow, double RatioHigh, bool Identical);

    public static async Task<int> RunAsync(IAnsiConsole console, IReadOnlyList<string> files, int replicates, int rounds, CancellationToken ct)
    {
        var rows = new List<Row>();
        foreach (var file in files)
        {
            var pairs = new List<(double Local, double Embedded)>();
            var identical = true;
            for (var r = 0; r < rounds; r++)
            {
                var work = Path.Combine(Path.GetTempPath(), $"finsam-bench-{Environment.ProcessId}-{r}");
                try
                {
                    // Alternating which mode goes first, so a slow spell of the machine does not always hit the same one.
                    string[] order = r % 2 == 0 ? ["in-process", "embedded"] : ["embedded", "in-process"];
                    var seconds = new Dictionary<string, double>();
                    foreach (var mode in order)
                        seconds[mode] = await TimeRunAsync(file, mode, replicates, Path.Combine(work, mode), ct);
                    pairs.Add((seconds["in-process"], seconds["embedded"]));
                    identical &= SameFolder(Path.Combine(work, "in-process"), Path.Combine(work, "embedded"));
                }
                finally
                {
                    if (Directory.Exists(work)) Directory.Delete(work, true);
                }
            }
            var ratios = pairs.Select(p => p.Embedded / p.Local).Order().ToArray();
            rows.Add(new Row(Path.GetFileName(file), replicates, Median(pairs.Select(p => p.Local)), Median(pairs.Select(p => p.Embedded)),
                Median(ratios), ratios[0], ratios[^1], identical));
        }
        Write(console, rows, rounds);
        return rows.All(r => r.Identical) ? 0 : 1;
    }

    private static void Write(IAnsiConsole console, List<Row> rows, int rounds)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]finsam run, whole process, in-process against embedded[/]");
        table.AddColumns("Scenario", "Replicates", "In-process (s)", "Embedded (s)", "Ratio embedded / in-process", "Ratio lowest – highest", "Same bytes");
        for (var k = 1; k < 7; k++) table.Columns[k].RightAligned();
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Scenario), r.Replicates.ToString(c), r.InProcess.ToString("0.00", c), r.Embedded.ToString("0.00", c),
                r.Ratio.ToString("0.00", c), $"{r.RatioLow.ToString("0.00", c)} – {r.RatioHigh.ToString("0.00", c)}", r.Identical ? "yes" : "[red]NO[/]");
        console.Write(table);
        console.MarkupLineInterpolated($"[grey]{Environment.ProcessorCount} cores · .NET {Environment.Version} · medians of {rounds} paired rounds, alternating which mode runs first · wall time of the whole 'finsam run … --out DIR' process · load average when done: {LoadAverage()}[/]");
        console.MarkupLineInterpolated($"[grey]timed finsam: {Build()}[/]");
    }

    /// <summary>
    /// What kind of finsam was timed: a published one (ReadyToRun, precompiled) or a plain build (compiled at
    /// run time), Release or Debug. The figures differ by about a second a run, so the table says which.
    /// </summary>
    public static string Build()
    {
        var assembly = typeof(BenchEndToEnd).Assembly;
        var debug = assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).OfType<DebuggableAttribute>().Any(a => a.IsJITOptimizerDisabled);
        bool readyToRun;
        try
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(assembly.Location));
            readyToRun = pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
        }
        catch (IOException)
        {
            readyToRun = false;
        }
        return (debug ? "Debug" : "Release") + (readyToRun
            ? ", ReadyToRun (published: 'dotnet publish src/Finsam.Client -o out/finsam')"
            : ", compiled at run time (a plain build; 'dotnet publish src/Finsam.Client -o out/finsam' precompiles it)");
    }

    /// <summary>Runs this same finsam (the dll under 'dotnet', or the apphost) as a child process; wall seconds.</summary>
    private static async Task<double> TimeRunAsync(string file, string mode, int replicates, string outDir, CancellationToken ct)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Under 'dotnet finsam.dll' the process is dotnet itself: the dll goes first.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(BenchEndToEnd).Assembly.Location);
        foreach (var a in new[] { "run", file, "--cluster", mode, "--replicates", replicates.ToString(CultureInfo.InvariantCulture), "--out", outDir })
            psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start finsam");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var seconds = sw.Elapsed.TotalSeconds;
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"finsam run {file} --cluster {mode} exited {p.ExitCode}: {Tail(await stderr + await stdout)}");
        return seconds;
    }

    private static bool SameFolder(string a, string b)
    {
        var names = Directory.GetFiles(a).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        return names.SequenceEqual(Directory.GetFiles(b).Select(Path.GetFileName).Order(StringComparer.Ordinal))
            && names.All(n => File.ReadAllBytes(Path.Combine(a, n!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, n!))));
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string Tail(string text) => text.Length > 400 ? text[^400..] : text;

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
