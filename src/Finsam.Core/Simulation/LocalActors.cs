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
    // Answer buffers, refilled by every call of their kind (see IReplicateActors).
    private readonly FlowCount[][] _referrals;
    private readonly IntakeReport[] _intake;
    private readonly AdmissionReport[] _admissions;
    private readonly ShardMonth[] _steps;

    public LocalActors(ReplicateModel model, int shardCount = 1, bool parallelShards = false)
    {
        _shards = Enumerable.Range(0, shardCount).Select(s => new ParticipantShard(model, s, shardCount)).ToArray();
        _insatser = Enumerable.Range(0, model.InsatsCount).Select(i => new InsatsUnit(model, i)).ToArray();
        _parties = Enumerable.Range(0, model.Ix.Parties.Length).Select(p => new PartyUnit(model, p)).ToArray();
        _parallel = parallelShards && shardCount > 1;
        _referrals = new FlowCount[_parties.Length][];
        _intake = new IntakeReport[shardCount];
        _admissions = new AdmissionReport[_insatser.Length];
        _steps = new ShardMonth[shardCount];
    }

    public int ShardCount => _shards.Length;

    public Task<FlowCount[][]> DrawReferralsAsync(int month, CancellationToken ct)
    {
        for (var p = 0; p < _parties.Length; p++) _referrals[p] = _parties[p].DrawReferrals(month);
        return Task.FromResult(_referrals);
    }

    public Task<IntakeReport[]> IntakeAsync(int month, Referral[][] perShard, CancellationToken ct)
    {
        if (_parallel) Parallel.For(0, _shards.Length, s => _intake[s] = _shards[s].Intake(month, perShard[s]));
        else for (var s = 0; s < _shards.Length; s++) _intake[s] = _shards[s].Intake(month, perShard[s]);
        return Task.FromResult(_intake);
    }

    public Task<AdmissionReport[]> AdmitAsync(int month, int[] leftLastMonth, QueueEntry[][] perInsats, CancellationToken ct)
    {
        for (var i = 0; i < _insatser.Length; i++) _admissions[i] = _insatser[i].Admit(month, leftLastMonth[i], perInsats[i]);
        return Task.FromResult(_admissions);
    }

    public Task<ShardMonth[]> StepAsync(int month, ShardDecisions[] perShard, Referral[][]? nextReferrals, CancellationToken ct)
    {
        if (_parallel) Parallel.For(0, _shards.Length, s => _steps[s] = _shards[s].Step(month, perShard[s], nextReferrals?[s]));
        else for (var s = 0; s < _shards.Length; s++) _steps[s] = _shards[s].Step(month, perShard[s], nextReferrals?[s]);
        return Task.FromResult(_steps);
    }

    public Task BookAsync(int month, double[] payerPaid, double[] payerCounterfactualPaid, CancellationToken ct)
    {
        foreach (var p in _parties) p.Book(month, payerPaid, payerCounterfactualPaid);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PartyMonth>[]> LedgersAsync(CancellationToken ct) =>
        Task.FromResult(_parties.Select(p => p.Ledger).ToArray());
}
