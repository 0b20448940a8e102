using Finsam.Core.Simulation;

namespace Finsam.Grains.Simulation;

/// <summary>
/// The actors of a replicate as grains. Calls of a phase go out to all shards (or insatser) at once
/// and the answers are taken in index order. Party calls are batched by year: referral counts are
/// drawn a year ahead and bookings sent at each year's end, which the parties' keyed randomness
/// makes equivalent to month-by-month calls.
/// </summary>
public sealed class GrainActors(IGrainFactory grains, ReplicateSpec spec, ReplicateModel model) : IReplicateActors
{
    private const int Batch = 12;
    private readonly IParticipantShardGrain[] _shards = Enumerable.Range(0, spec.ShardCount)
        .Select(s => grains.GetGrain<IParticipantShardGrain>(spec.ActorKey("shard", s))).ToArray();
    private readonly IInsatsGrain[] _insatser = Enumerable.Range(0, model.InsatsCount)
        .Select(i => grains.GetGrain<IInsatsGrain>(spec.ActorKey("insats", i))).ToArray();
    private readonly IPartyGrain[] _parties = Enumerable.Range(0, model.Ix.Parties.Length)
        .Select(p => grains.GetGrain<IPartyGrain>(spec.ActorKey("party", p))).ToArray();

    private FlowCount[][][] _referrals = [];   // [party][month - _referralsFrom]
    private int _referralsFrom = -1;
    private readonly List<double[]> _paid = [];
    private readonly List<double[]> _cfPaid = [];
    private int _bookFrom;

    public int ShardCount => _shards.Length;

    public Task InitAsync() => Task.WhenAll(
        _shards.Select((g, s) => g.InitAsync(spec, s))
            .Concat(_insatser.Select((g, i) => g.InitAsync(spec, i)))
            .Concat(_parties.Select((g, p) => g.InitAsync(spec, p))));

    public Task FinishAsync() => Task.WhenAll(
        _shards.Select(g => g.FinishAsync()).Concat(_insatser.Select(g => g.FinishAsync())).Concat(_parties.Select(g => g.FinishAsync())));

    public async Task<FlowCount[][]> DrawReferralsAsync(int month, CancellationToken ct)
    {
        if (_referralsFrom < 0 || month >= _referralsFrom + Batch)
        {
            var to = Math.Min(model.Months - 1, month + Batch - 1);
            _referrals = await Task.WhenAll(_parties.Select(p => p.DrawReferralsAsync(month, to)));
            _referralsFrom = month;
        }
        return _referrals.Select(p => p[month - _referralsFrom]).ToArray();
    }

    public Task<IntakeReport[]> IntakeAsync(int month, Referral[][] perShard, CancellationToken ct) =>
        Task.WhenAll(_shards.Select((g, s) => g.IntakeAsync(month, perShard[s])));

    public Task<AdmissionReport[]> AdmitAsync(int month, int[] leftLastMonth, QueueEntry[][] perInsats, CancellationToken ct) =>
        Task.WhenAll(_insatser.Select((g, i) => g.AdmitAsync(month, leftLastMonth[i], perInsats[i])));

    public Task<ShardMonth[]> StepAsync(int month, ShardDecisions[] perShard, Referral[][]? nextReferrals, CancellationToken ct) =>
        Task.WhenAll(_shards.Select((g, s) => g.StepAsync(month, perShard[s], nextReferrals?[s])));

    public async Task BookAsync(int month, double[] payerPaid, double[] payerCounterfactualPaid, CancellationToken ct)
    {
        _paid.Add(payerPaid);
        _cfPaid.Add(payerCounterfactualPaid);
        if (_paid.Count == Batch || month == model.Months - 1) await FlushBookingsAsync();
    }

    public async Task<IReadOnlyList<PartyMonth>[]> LedgersAsync(CancellationToken ct)
    {
        await FlushBookingsAsync();
        return await Task.WhenAll(_parties.Select(async p => (IReadOnlyList<PartyMonth>)await p.GetLedgerAsync()));
    }

    private async Task FlushBookingsAsync()
    {
        if (_paid.Count == 0) return;
        var paid = _paid.ToArray();
        var cf = _cfPaid.ToArray();
        await Task.WhenAll(_parties.Select(p => p.BookAsync(_bookFrom, paid, cf)));
        _bookFrom += paid.Length;
        _paid.Clear();
        _cfPaid.Clear();
    }
}
