using System.Runtime.CompilerServices;

namespace Finsam.Core.Simulation;

/// <summary>
/// Counter-based random numbers. Every draw is a pure function of (stream, counter), and streams are
/// derived from the scenario seed, the replicate and the entity (participant id, flow, parameter name).
/// So a result never depends on how participants are split into shards, on which silo ran them,
/// or on the order messages arrived. A SplitMix64-style finaliser is used because it is cheap
/// enough for the hot loop (one multiply-xorshift chain per draw) and has 64-bit stream keys,
/// which MathNet's generators (seeded by int) do not offer.
/// </summary>
public static class Rng
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private const double ToUnit = 1.0 / (1UL << 53);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Combine(ulong a, ulong b) => Mix(a ^ Mix(b + Golden));

    public static ulong Combine(ulong a, string key) => Combine(a, Hash(key));

    /// <summary>FNV-1a over the string's UTF-16 code units (string.GetHashCode is randomised per process).</summary>
    public static ulong Hash(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s) { h ^= c; h *= 1099511628211UL; }
        return Mix(h);
    }

    /// <summary>A uniform double in [0, 1) for a counter in a stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform(ulong stream, long counter) =>
        (Mix(stream + (ulong)counter * Golden) >> 11) * ToUnit;

    public static ulong ReplicateSeed(ulong scenarioSeed, int replicate) => Combine(Mix(scenarioSeed ^ 0x46696E73616DUL), (ulong)replicate);

    public static ulong ParticipantStream(ulong replicateSeed, int participantId) => Combine(replicateSeed ^ 0x5041525449UL, (ulong)participantId);
}

/// <summary>
/// A <see cref="Random"/> over one keyed stream, for MathNet's samplers (parameter draws, Poisson counts).
/// </summary>
public sealed class StreamRandom(ulong stream) : Random
{
    private ulong _stream = stream;
    private long _counter;

    /// <summary>Starts over on another stream, exactly as a new instance would (one object for many short draws).</summary>
    public StreamRandom Restart(ulong stream)
    {
        _stream = stream;
        _counter = 0;
        return this;
    }

    public override double NextDouble() => Rng.Uniform(_stream, _counter++);
    protected override double Sample() => NextDouble();
    public override int Next() => (int)(NextDouble() * int.MaxValue);
    public override int Next(int maxValue) => (int)(NextDouble() * maxValue);
    public override int Next(int minValue, int maxValue) => minValue + (int)(NextDouble() * ((long)maxValue - minValue));
    public override long NextInt64() => (long)(Rng.Mix(_stream + (ulong)_counter++ * 0x9E3779B97F4A7C15UL) >> 1);
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());
    public override void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++) buffer[i] = (byte)(NextDouble() * 256);
    }
}
