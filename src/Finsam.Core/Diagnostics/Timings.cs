using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Finsam.Core.Diagnostics;

/// <summary>
/// Where a run's time goes, without a profiler: with <c>FINSAM_TIMINGS=1</c> in the environment, phases
/// are marked on one clock from process start, work done in parallel (replicates, summary rows) is summed
/// per kind, and the table is written to standard error when the process ends. Off, every call is a
/// flag test.
/// </summary>
public static class Timings
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("FINSAM_TIMINGS") is "1" or "true";

    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static readonly ConcurrentQueue<(string Phase, double At)> Marks = new();
    private static readonly ConcurrentDictionary<string, (long Ticks, long Count)> Sums = new();
    private static int _hooked;

    /// <summary>Marks the end of a phase (seconds since the process started).</summary>
    public static void Mark(string phase)
    {
        if (!Enabled) return;
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            Marks.Enqueue(("runtime start-up (before Main)", SinceProcessStart() - Clock.Elapsed.TotalSeconds));
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Write(Console.Error);
        }
        Marks.Enqueue((phase, SinceProcessStart()));
    }

    /// <summary>Adds the time since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) to a summed kind of work.</summary>
    public static void Add(string kind, long startTimestamp)
    {
        if (!Enabled) return;
        var ticks = Stopwatch.GetTimestamp() - startTimestamp;
        Sums.AddOrUpdate(kind, (ticks, 1), (_, v) => (v.Ticks + ticks, v.Count + 1));
    }

    /// <summary>A timestamp to pass to <see cref="Add"/>, or 0 when off.</summary>
    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    private static double SinceProcessStart()
    {
        try
        {
            return (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;
        }
        catch (InvalidOperationException)
        {
            return Clock.Elapsed.TotalSeconds;
        }
    }

    public static void Write(TextWriter to)
    {
        var c = CultureInfo.InvariantCulture;
        to.WriteLine("timings (FINSAM_TIMINGS): phase ends, seconds since the process started");
        Marks.Enqueue(("process exiting", SinceProcessStart()));
        var previous = 0.0;
        foreach (var (phase, at) in Marks)
        {
            to.WriteLine(string.Format(c, "  {0,7:0.000} s  (+{1,6:0.000})  {2}", at, at - previous, phase));
            previous = at;
        }
        foreach (var (kind, (ticks, count)) in Sums.OrderBy(k => k.Key, StringComparer.Ordinal))
            to.WriteLine(string.Format(c, "  {0,7:0.000} s  summed over {1} × {2}", (double)ticks / Stopwatch.Frequency, count, kind));
        var gc = GC.GetGCMemoryInfo();
        to.WriteLine(string.Format(c, "  GC: {0} gen0, {1} gen1, {2} gen2; {3:0} MiB allocated; pause {4:0.0} % of the run",
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes() / 1048576.0, gc.PauseTimePercentage));
        using (var self = Process.GetCurrentProcess())
            to.WriteLine(string.Format(c, "  memory: peak RSS {0:0} MiB, RSS {1:0} MiB; GC heap {2:0} MiB, committed {3:0} MiB, fragmented {4:0} MiB (last GC); CPU {5:0.00} s",
                self.PeakWorkingSet64 / 1048576.0, self.WorkingSet64 / 1048576.0, gc.HeapSizeBytes / 1048576.0, gc.TotalCommittedBytes / 1048576.0,
                gc.FragmentedBytes / 1048576.0, self.TotalProcessorTime.TotalSeconds));
        var config = GC.GetConfigurationVariables();
        to.WriteLine(string.Format(c, "  GC settings: server {0}, concurrent {1}, conserve memory {2}",
            config.GetValueOrDefault("ServerGC"), config.GetValueOrDefault("ConcurrentGC"), config.GetValueOrDefault("GCConserveMem")));
        to.WriteLine(string.Format(c, "  JIT: {0} methods, {1:0.000} s compiling", System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime().TotalSeconds));
    }
}
