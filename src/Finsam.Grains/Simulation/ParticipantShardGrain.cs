using Finsam.Core.Simulation;
using Orleans.Concurrency;

namespace Finsam.Grains.Simulation;

/// <summary>A block of participants of one replicate, simulated as arrays: one call moves thousands of people.</summary>
[Alias("finsam.IParticipantShardGrain")]
public interface IParticipantShardGrain : IGrainWithStringKey
{
    [Alias("Init")] Task InitAsync(ReplicateSpec spec, int shard);
    [Alias("Intake")] Task<IntakeReport> IntakeAsync(int month, Referral[] referrals);
    /// <summary>The month's progress, then next month's intake (<paramref name="nextReferrals"/> null in the last month).</summary>
    [Alias("Step")] Task<ShardMonth> StepAsync(int month, ShardDecisions decisions, Referral[]? nextReferrals);
    [Alias("Finish")] Task FinishAsync();
}

[StatelessWorker(1, removeIdleWorkers: false)]   // on its replicate's silo: see ReplicateActorGrain
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

    public Task<ShardMonth> StepAsync(int month, ShardDecisions decisions, Referral[]? nextReferrals)
    {
        Require();
        var step = _shard!.Step(month, decisions, nextReferrals);
        FinsamInstruments.ParticipantMonths.Add(step.Progress.ParticipantMonths);
        return Task.FromResult(step);
    }
}
