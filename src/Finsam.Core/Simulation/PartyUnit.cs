using MathNet.Numerics.Distributions;

namespace Finsam.Core.Simulation;

/// <summary>A party's month in money: what it put in, lent in kind, and paid in ersättning (and would have without the förbund).</summary>
public readonly record struct PartyMonth(double Contribution, double InKind, double Paid, double CounterfactualPaid);

/// <summary>How many people a referral flow sends in a month.</summary>
public readonly record struct FlowCount(int Flow, int Count);

/// <summary>
/// A party of the förbund: sends its referral flows and keeps the ledger of what it contributes and
/// what it pays in ersättning for the referred people, next to what it would have paid without the förbund.
/// </summary>
public sealed class PartyUnit(ReplicateModel model, int party)
{
    private readonly int[] _flows = Enumerable.Range(0, model.Ix.Flows.Length).Where(f => model.Ix.FlowParty[f] == party).ToArray();
    private readonly PartyMonth[] _ledger = new PartyMonth[model.Months];
    // Each flow's referral stream of this replicate; the month is the second key.
    private readonly ulong[] _streams = Enumerable.Range(0, model.Ix.Flows.Length).Where(f => model.Ix.FlowParty[f] == party)
        .Select(f => Rng.Combine(model.Seed, model.Ix.FlowReferralKey[f])).ToArray();
    private readonly FlowCount[] _counts = new FlowCount[model.Ix.FlowParty.Count(p => p == party)];   // refilled every month
    private readonly StreamRandom _random = new(0);

    public int Party { get; } = party;

    /// <summary>The party's ledger, month by month (months not yet booked are zero).</summary>
    public IReadOnlyList<PartyMonth> Ledger => _ledger;

    /// <summary>How many people each of this party's flows refers this month (Poisson, or a cohort); the array is refilled next month.</summary>
    public FlowCount[] DrawReferrals(int month)
    {
        var result = _counts;
        for (var k = 0; k < _flows.Length; k++)
        {
            var f = _flows[k];
            var count = model.CohortMonth[f] == month ? model.CohortCount[f] : 0;
            var rate = model.FlowRate[month, f];
            if (rate > 0)
            {
                count += Poisson.Sample(_random.Restart(Rng.Combine(_streams[k], (ulong)month)), rate);
            }
            result[k] = new FlowCount(f, count);
        }
        return result;
    }

    /// <summary>Books a month: the contribution falling due, staff lent, and this party's part of each payer's ersättning.</summary>
    public PartyMonth Book(int month, double[] payerPaid, double[] payerCounterfactualPaid)
    {
        var contribution = model.Budget.Contribution[month, Party];
        var inKind = model.Budget.InKind[month, Party];
        double paid = 0, cfPaid = 0;
        for (var k = 0; k < payerPaid.Length; k++)
            foreach (var (p, share) in model.Ix.PayerParties[k])
                if (p == Party)
                {
                    paid += share * payerPaid[k];
                    cfPaid += share * payerCounterfactualPaid[k];
                }
        return _ledger[month] = new PartyMonth(contribution, inKind, paid, cfPaid);
    }
}
