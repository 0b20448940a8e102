namespace Finsam.Core.Simulation;

/// <summary>
/// The actors of a replicate as plain objects in this process. With <c>parallelShards</c> the shards
/// of a month run on all cores; the answers are gathered in shard order, so results do not change.
/// </summary>
public sealed class LocalActors : IReplicateActors
{
    private readonly ParticipantShard[] _shards;
    private readonly InsatsUnit[] _insatser;
    private readonly PartyUnit[] _parties;
    private readonly bool _parallel;

    public LocalActors(ReplicateModel model, int shardCount = 1, bool parallelShards = false)
    {
        _shards = Enumerable.Range(0, shardCount).Select(s => new ParticipantShard(model, s, shardCount)).ToArray();
        _insatser = Enumerable.Range(0, model.InsatsCount).Select(i => new InsatsUnit(model, i)).ToArray();
        _parties = Enumerable.Range(0, model.Ix.Parties.Length).Select(p => new PartyUnit(model, p)).ToArray();
        _parallel = parallelShards && shardCount > 1;
    }

    public int ShardCount => _shards.Length;

    public Task<FlowCount[][]> DrawReferralsAsync(int month, CancellationToken ct) =>
        Task.FromResult(_parties.Select(p => p.DrawReferrals(month)).ToArray());

    public Task<IntakeReport[]> IntakeAsync(int month, Referral[][] perShard, CancellationToken ct) =>
        Task.FromResult(ForEachShard(s => _shards[s].Intake(month, perShard[s])));

    public Task<AdmissionReport[]> AdmitAsync(int month, int[] leftLastMonth, QueueEntry[][] perInsats, CancellationToken ct) =>
        Task.FromResult(_insatser.Select(i => i.Admit(month, leftLastMonth[i.Insats], perInsats[i.Insats])).ToArray());

    public Task<ShardMonth[]> StepAsync(int month, ShardDecisions[] perShard, Referral[][]? nextReferrals, CancellationToken ct) =>
        Task.FromResult(ForEachShard(s => _shards[s].Step(month, perShard[s], nextReferrals?[s])));

    public Task BookAsync(int month, double[] payerPaid, double[] payerCounterfactualPaid, CancellationToken ct)
    {
        foreach (var p in _parties) p.Book(month, payerPaid, payerCounterfactualPaid);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PartyMonth>[]> LedgersAsync(CancellationToken ct) =>
        Task.FromResult(_parties.Select(p => p.Ledger).ToArray());

    private T[] ForEachShard<T>(Func<int, T> work)
    {
        var results = new T[_shards.Length];
        if (_parallel) Parallel.For(0, _shards.Length, s => results[s] = work(s));
        else for (var s = 0; s < _shards.Length; s++) results[s] = work(s);
        return results;
    }
}
