using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Finsam.Core.Diagnostics;

/// <summary>
/// What allocates, why the GC ran and what the JIT compiled, without a profiler or EventPipe tools: with
/// <c>FINSAM_ALLOCS=1</c> this listens in-process to the runtime's events — the allocation tick (about one
/// per 100 KB allocated, naming the type that crossed it), each collection's reason, each method the JIT
/// starts compiling — and writes the heaviest types, the reasons and the compiled methods by namespace to
/// standard error when the process ends. <c>FINSAM_JITLIST=FILE</c> also writes every compiled method
/// with the second it started (tier-1 recompiles appear twice).
/// </summary>
public sealed class AllocationSampler : EventListener
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("FINSAM_ALLOCS") is "1" or "true";
    private static AllocationSampler? _instance;

    private readonly ConcurrentDictionary<string, (long Bytes, long Ticks)> _types = new();
    private readonly ConcurrentDictionary<string, int> _reasons = new();
    private readonly ConcurrentDictionary<string, int> _jitted = new();
    private readonly ConcurrentQueue<string> _methods = new();
    private static readonly DateTime Started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
    private static readonly string? JitList = Environment.GetEnvironmentVariable("FINSAM_JITLIST");

    // The first two parts of a type's namespace, generic arguments cut off: Orleans.Serialization, Finsam.Core, System.Linq.
    private static string Group(string type)
    {
        var cut = type.IndexOfAny(['[', '`', '+', '<']);
        var name = cut < 0 ? type : type[..cut];
        var parts = name.Split('.');
        return string.Join('.', parts.Take(Math.Clamp(parts.Length - 1, 1, 2)));
    }

    private volatile bool _ready;

    private AllocationSampler()
    {
        _ready = true;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Write(Console.Error);
    }

    /// <summary>Starts listening when <c>FINSAM_ALLOCS=1</c>; otherwise does nothing.</summary>
    public static void StartIfAsked()
    {
        if (Enabled) _instance ??= new AllocationSampler();
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        // GC keyword (0x1) at verbose level carries GCAllocationTick.
        // With JIT (0x10) too: MethodJittingStarted names each method compiled, tier-1 recompiles included.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x11);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_ready || e.Payload is null || e.PayloadNames is null) return;
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true)
        {
            var type = Get(e, "TypeName") as string ?? "?";
            var bytes = Convert.ToInt64(Get(e, "AllocationAmount64") ?? Get(e, "AllocationAmount") ?? 0L, CultureInfo.InvariantCulture);
            _types.AddOrUpdate(type, (bytes, 1), (_, v) => (v.Bytes + bytes, v.Ticks + 1));
        }
        else if (e.EventName?.StartsWith("MethodJittingStarted", StringComparison.Ordinal) == true)
        {
            var ns = Get(e, "MethodNamespace") as string ?? "?";
            _jitted.AddOrUpdate(Group(ns), 1, (_, n) => n + 1);
            _jitted.AddOrUpdate("(all)", 1, (_, n) => n + 1);
            if (JitList is not null) _methods.Enqueue($"{(e.TimeStamp - Started).TotalSeconds:0.000} {ns}::{Get(e, "MethodName")} {Get(e, "MethodSignature")}");
        }
        else if (e.EventName?.StartsWith("GCStart", StringComparison.Ordinal) == true)
        {
            var key = $"gen{Get(e, "Depth")} reason {Get(e, "Reason")}";
            if (Get(e, "Reason") is uint and not 0 || Get(e, "Reason") is int and not 0)
                key += string.Format(CultureInfo.InvariantCulture, " at {0:0.000} s", (e.TimeStamp - System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalSeconds);
            _reasons.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
    }

    private static object? Get(EventWrittenEventArgs e, string name)
    {
        var i = e.PayloadNames!.IndexOf(name);
        return i < 0 ? null : e.Payload![i];
    }

    private void Write(TextWriter to)
    {
        var c = CultureInfo.InvariantCulture;
        to.WriteLine("allocations (FINSAM_ALLOCS): sampled MiB by type, heaviest first");
        foreach (var (type, (bytes, ticks)) in _types.OrderByDescending(t => t.Value.Bytes).Take(30))
            to.WriteLine(string.Format(c, "  {0,8:0.0} MiB  {1,6} ticks  {2}", bytes / 1048576.0, ticks, type));
        if (JitList is not null) File.WriteAllLines(JitList, _methods);
        to.WriteLine("methods compiled by the JIT (tier-1 recompiles included), by namespace:");
        foreach (var (group, n) in _jitted.OrderByDescending(j => j.Value).Take(25))
            to.WriteLine(string.Format(c, "  {0,6}  {1}", n, group));
        to.WriteLine($"  latency mode {System.Runtime.GCSettings.LatencyMode}, server GC {System.Runtime.GCSettings.IsServerGC}");
        to.WriteLine("collections by generation and reason (0 small alloc, 1 induced, 2 low memory, 4 large alloc, 6 oos):");
        foreach (var (key, n) in _reasons.OrderBy(r => r.Key, StringComparer.Ordinal))
            to.WriteLine(string.Format(c, "  {0,6}  {1}", n, key));
    }
}
