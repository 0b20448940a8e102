using Finsam.Core.Simulation;
using Orleans.Placement;

namespace Finsam.Grains.Simulation;

/// <summary>A block of participants of one replicate, simulated as arrays: one call moves thousands of people.</summary>
[Alias("finsam.IParticipantShardGrain")]
public interface IParticipantShardGrain : IGrainWithStringKey
{
    [Alias("Init")] Task InitAsync(ReplicateSpec spec, int shard);
    [Alias("Intake")] Task<IntakeReport> IntakeAsync(int month, Referral[] referrals);
    [Alias("Progress")] Task<ProgressReport> ProgressAsync(int month, ShardDecisions decisions);
    [Alias("Finish")] Task FinishAsync();
}

// Placed with the replicate grain that first calls it, so a replicate's month-by-month calls stay on one silo.
[PreferLocalPlacement]
public sealed class ParticipantShardGrain(ScenarioCache cache) : ReplicateActorGrain(cache), IParticipantShardGrain
{
    private ParticipantShard? _shard;

    public Task InitAsync(ReplicateSpec spec, int shard)
    {
        _shard = new ParticipantShard(Attach(spec), shard, spec.ShardCount);
        return Task.CompletedTask;
    }

    public Task<IntakeReport> IntakeAsync(int month, Referral[] referrals)
    {
        Require();
        return Task.FromResult(_shard!.Intake(month, referrals));
    }

    public Task<ProgressReport> ProgressAsync(int month, ShardDecisions decisions)
    {
        Require();
        var report = _shard!.Progress(month, decisions);
        FinsamInstruments.ParticipantMonths.Add(report.ParticipantMonths);
        return Task.FromResult(report);
    }
}
