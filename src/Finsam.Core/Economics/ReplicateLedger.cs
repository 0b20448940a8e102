using Finsam.Core.Results;
using Finsam.Core.Scenarios;
using Finsam.Core.Simulation;

namespace Finsam.Core.Economics;

/// <summary>
/// The narrow view of one replicate that the socio-economic account reads: people per income state with and
/// without the förbund, the förbund's spending, the parties' contributions and staff in kind, and exits to work
/// or studies. Kept in one place so a change in how replicates store their month grids touches only this file.
/// </summary>
public readonly struct ReplicateLedger(ReplicateResult r)
{
    public int Replicate => r.Replicate;
    public int Months => r.Months;
    public int Incomes => r.Incomes;
    public int Parties => r.Parties;
    public int WorkOrStudies => r.WorkOrStudies;

    public int People(int month, int state) => r.PerIncome(r.Income)[month, state];
    public int CounterfactualPeople(int month, int state) => r.PerIncome(r.CounterfactualIncome)[month, state];

    /// <summary>Money the förbund spent on its budget lines in a month.</summary>
    public double Spend(int month)
    {
        var total = 0.0;
        foreach (var spend in r.PerLine.Month(month)) total += spend;
        return total;
    }

    public double Contribution(int month, int party) => r.PerParty(r.PartyContribution)[month, party];
    public double InKind(int month, int party) => r.PerParty(r.PartyInKind)[month, party];
}

/// <summary>
/// Re-draws a replicate's uncertain numbers exactly as the engine drew them: every number has its own stream
/// keyed by the replicate's seed and the number's field path (<see cref="ReplicateModel.Draw"/>), so a later pass
/// can know what a replicate used without the engine recording it.
/// </summary>
public static class ParamDraws
{
    // Sensitivity re-draws every input of every replicate (24 M draws at 100 000 replicates of RAR); a new
    // Random subclass per draw allocates its base state too, and that garbage set the embedded peak RSS.
    // One restartable stream per thread gives the same draws (a restart equals a new instance).
    [ThreadStatic] private static StreamRandom? _random;

    private static StreamRandom Stream(ulong stream) => (_random ??= new StreamRandom(0)).Restart(stream);

    public static double Value(ulong scenarioSeed, int replicate, Param p) =>
        p.Dist.IsFixed ? p.Dist.Mean : p.Dist.Draw(Stream(Rng.Combine(Rng.ReplicateSeed(scenarioSeed, replicate), p.Key)));

    /// <summary>The same draw with the replicate's seed (<see cref="Rng.ReplicateSeed"/>) and the key's hash (<see cref="Rng.Hash"/>) made once by the caller.</summary>
    public static double Value(ulong replicateSeed, ulong keyHash, Param p) =>
        p.Dist.IsFixed ? p.Dist.Mean : p.Dist.Draw(Stream(Rng.Combine(replicateSeed, keyHash)));

    /// <summary>A mix's shares as the engine drew them (<see cref="ReplicateModel.DrawMix"/>).</summary>
    public static double[] Mix(ulong scenarioSeed, int replicate, Mix mix) =>
        mix.Draw(Stream(Rng.Combine(Rng.ReplicateSeed(scenarioSeed, replicate), mix.Key)));
}
