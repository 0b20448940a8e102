using Finsam.Core.Simulation;
using Orleans.Concurrency;

namespace Finsam.Grains.Simulation;

/// <summary>A party of the förbund in one replicate: its referral flows and its ledger.</summary>
[Alias("finsam.IPartyGrain")]
public interface IPartyGrain : IGrainWithStringKey
{
    [Alias("Init")] Task InitAsync(ReplicateSpec spec, int party);

    /// <summary>Referral counts of this party's flows for months <paramref name="from"/> … <paramref name="to"/>, one array per month.</summary>
    [Alias("DrawReferrals")] Task<FlowCount[][]> DrawReferralsAsync(int from, int to);

    /// <summary>Books ersättning per payer for consecutive months starting at <paramref name="from"/>.</summary>
    [Alias("Book")] Task BookAsync(int from, double[][] payerPaid, double[][] payerCounterfactualPaid);

    [Alias("Ledger")] Task<PartyMonth[]> GetLedgerAsync();
    [Alias("Finish")] Task FinishAsync();
}

[StatelessWorker(1, removeIdleWorkers: false)]   // on its replicate's silo: see ReplicateActorGrain
public sealed class PartyGrain(ScenarioCache cache) : ReplicateActorGrain(cache), IPartyGrain
{
    private PartyUnit? _unit;

    public Task InitAsync(ReplicateSpec spec, int party)
    {
        _unit = new PartyUnit(Attach(spec), party);
        return Task.CompletedTask;
    }

    public Task<FlowCount[][]> DrawReferralsAsync(int from, int to)
    {
        Require();
        return Task.FromResult(Enumerable.Range(from, to - from + 1).Select(_unit!.DrawReferrals).ToArray());
    }

    public Task BookAsync(int from, double[][] payerPaid, double[][] payerCounterfactualPaid)
    {
        Require();
        for (var k = 0; k < payerPaid.Length; k++) _unit!.Book(from + k, payerPaid[k], payerCounterfactualPaid[k]);
        return Task.CompletedTask;
    }

    public Task<PartyMonth[]> GetLedgerAsync()
    {
        Require();
        return Task.FromResult(_unit!.Ledger.ToArray());
    }
}
