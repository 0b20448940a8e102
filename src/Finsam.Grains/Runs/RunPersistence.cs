namespace Finsam.Grains.Runs;

/// <summary>
/// Whether a run's replicates keep their results in grain storage until the run has merged them.
/// On a cluster they must (<see cref="Durable"/>): a silo that dies takes its run grain's memory with it,
/// and the run's next activation reads the finished replicates back instead of running them again.
/// A single embedded silo has nothing to recover to — its storage lives and dies with the process — so
/// there replicates stream straight into the run's summary (<see cref="SingleProcess"/>), with no
/// stored copy of each result (~70 KB each, which used to stay in memory until the run ended).
/// </summary>
public sealed record RunPersistence(bool KeepReplicateResults)
{
    public static RunPersistence Durable { get; } = new(true);

    public static RunPersistence SingleProcess { get; } = new(false);
}
