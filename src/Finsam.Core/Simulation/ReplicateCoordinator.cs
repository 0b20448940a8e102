using Finsam.Core.Results;

namespace Finsam.Core.Simulation;

/// <summary>
/// The actors of one replicate as the coordinator sees them. In-process they are objects
/// (<see cref="LocalActors"/>); in a cluster, grains. Each call fans out to every shard, insats or
/// party and returns their answers in index order.
/// </summary>
public interface IReplicateActors
{
    int ShardCount { get; }
    /// <summary>Each party's referral counts for the month, one array per party.</summary>
    Task<FlowCount[][]> DrawReferralsAsync(int month, CancellationToken ct);
    /// <summary>The first month's intake (later intakes ride along with <see cref="StepAsync"/>).</summary>
    Task<IntakeReport[]> IntakeAsync(int month, Referral[][] perShard, CancellationToken ct);
    Task<AdmissionReport[]> AdmitAsync(int month, int[] leftLastMonth, QueueEntry[][] perInsats, CancellationToken ct);
    /// <summary>
    /// Progress of <paramref name="month"/>, then the intake of next month's referrals, in one call
    /// per shard (the order is the same as two calls; the messages are halved).
    /// </summary>
    Task<ShardMonth[]> StepAsync(int month, ShardDecisions[] perShard, Referral[][]? nextReferrals, CancellationToken ct);
    /// <summary>Books a month's ersättning per payer with the parties (hosts may batch these).</summary>
    Task BookAsync(int month, double[] payerPaid, double[] payerCounterfactualPaid, CancellationToken ct);
    /// <summary>Every party's ledger once all months are booked, [party][month].</summary>
    Task<IReadOnlyList<PartyMonth>[]> LedgersAsync(CancellationToken ct);
}

/// <summary>
/// Runs one replicate month by month, in the order of DESIGN §3: budget (planned up front in the
/// <see cref="ReplicateModel"/>), referrals, admissions, progress and baseline, costs, metrics.
/// The same code drives local objects and grains, which is why both give identical numbers.
/// </summary>
public static class ReplicateCoordinator
{
    public static async Task<ReplicateResult> RunAsync(ReplicateModel model, IReplicateActors actors, CancellationToken ct = default)
    {
        var ix = model.Ix;
        int months = model.Months, nI = model.InsatsCount, nS = ix.Incomes.Length, nO = ix.Occupations.Length;
        int nP = ix.Parties.Length, nPay = ix.Payers.Length, nL = ix.Lines.Length, nK = ix.Structural.Length;
        var shards = actors.ShardCount;
        var result = ReplicateResult.Create(model.Replicate, months, nS, nO, nI, nK, nP, nPay, nL, ix.Genders.Length, model.Records);
        var nextId = 0;
        var left = new int[nI];
        // The result's month grids, filled month by month.
        var referred = result.PerInsats(result.Referred);
        var ineligible = result.PerInsats(result.Ineligible);
        var capacity = result.PerInsats(result.Capacity);
        var occupancy = result.PerInsats(result.Occupancy);
        var queue = result.PerInsats(result.Queue);
        var admitted = result.PerInsats(result.Admitted);
        var gaveUp = result.PerInsats(result.GaveUp);
        var closed = result.PerInsats(result.Closed);
        var waitSum = result.PerInsats(result.WaitSum);
        var waits = result.Waits;
        var income = result.PerIncome(result.Income);
        var cfIncome = result.PerIncome(result.CounterfactualIncome);

        async Task<Referral[][]> Referrals(int m)
        {
            // Parties draw counts; ids are handed out in flow order, shards by id.
            var counts = await actors.DrawReferralsAsync(m, ct);
            var perFlow = new int[ix.Flows.Length];
            foreach (var partyCounts in counts)
                foreach (var fc in partyCounts) perFlow[fc.Flow] = fc.Count;
            var perShard = new List<Referral>[shards];
            for (var s = 0; s < shards; s++) perShard[s] = [];
            for (var f = 0; f < perFlow.Length; f++)
            {
                referred[m, ix.FlowInsats[f]] += perFlow[f];
                for (var k = 0; k < perFlow[f]; k++)
                {
                    var id = nextId++;
                    perShard[id % shards].Add(new Referral(id, f));
                }
            }
            result.Referrals = nextId;
            return perShard.Select(l => l.ToArray()).ToArray();
        }

        var intake = await actors.IntakeAsync(0, await Referrals(0), ct);
        for (var m = 0; m < months; m++)
        {
            ct.ThrowIfCancellationRequested();

            // Intake: new participants and chained ones join the queues.
            var perInsats = new QueueEntry[nI][];
            for (var i = 0; i < nI; i++)
            {
                perInsats[i] = intake.SelectMany(r => r.Requests[i]).ToArray();
                ineligible[m, i] = intake.Sum(r => r.Ineligible[i]);
            }

            // Admissions, decided by each insats on its own queue.
            var admissions = await actors.AdmitAsync(m, left, perInsats, ct);
            var admittedPerShard = new List<Admission>[shards];
            var removedPerShard = new List<Removal>[shards];
            for (var s = 0; s < shards; s++) { admittedPerShard[s] = []; removedPerShard[s] = []; }
            for (var i = 0; i < nI; i++)
            {
                var a = admissions[i];
                capacity[m, i] = a.Capacity;
                occupancy[m, i] = a.Occupancy;
                queue[m, i] = a.QueueLength;
                admitted[m, i] = a.Admitted.Length;
                gaveUp[m, i] = a.GaveUp;
                closed[m, i] = a.Closed;
                for (var k = 0; k < a.Admitted.Length; k++)
                {
                    var e = a.Admitted[k];
                    admittedPerShard[e.Shard].Add(new Admission(e.Id, i, a.Waits[k]));
                    waitSum[m, i] += a.Waits[k];
                    waits[i, Math.Min(a.Waits[k], months)]++;
                }
                foreach (var e in a.Removed) removedPerShard[e.Shard].Add(new Removal(e.Id, i));
            }

            // Progress: exits, dropouts, chains, baseline transitions, twins.
            var decisions = new ShardDecisions[shards];
            for (var s = 0; s < shards; s++) decisions[s] = new ShardDecisions([.. admittedPerShard[s]], [.. removedPerShard[s]]);
            var next = m + 1 < months ? await Referrals(m + 1) : null;
            var steps = await actors.StepAsync(m, decisions, next, ct);
            intake = steps.Select(x => x.NextIntake!).ToArray();
            left = new int[nI];
            foreach (var r in steps.Select(x => x.Progress))
            {
                Add(left, r.Exits);
                Add(result.PerInsats(result.Planned).Month(m), r.Planned);
                Add(result.PerInsats(result.Dropouts).Month(m), r.Dropouts);
                Add(result.PerInsats(result.Chained).Month(m), r.Chained);
                Add(result.ExitsByOccupation.Month(m), r.ExitOccupation);
                Add(result.StartsByIncome.Month(m), r.StartIncome);
                Add(result.StartsByOccupation.Month(m), r.StartOccupation);
                r.Detail.AddTo(result, m);
                Add(income.Month(m), r.Income);
                Add(cfIncome.Month(m), r.CounterfactualIncome);
                Add(result.PerOccupation(result.Occupation).Month(m), r.Occupation);
                Add(result.ServedByGender, r.ServedByGender);
                result.WorkOrStudies += r.WorkOrStudies;
                result.Due12 += r.Due12;
                result.SelfSufficient12 += r.SelfSufficient12;
                result.CounterfactualSelfSufficient12 += r.CounterfactualSelfSufficient12;
                result.ParticipantMonths += r.ParticipantMonths;
            }

            // Costs: each person-month of ersättning is booked to its payer, then to the parties.
            var paid = new double[nPay];
            var cfPaid = new double[nPay];
            for (var st = 0; st < nS; st++)
            {
                var payer = ix.IncomePayer[st];
                paid[payer] += income[m, st] * model.MonthlyCost[st];
                cfPaid[payer] += cfIncome[m, st] * model.MonthlyCost[st];
            }
            paid.CopyTo(result.PerPayer(result.PayerPaid).Month(m));
            cfPaid.CopyTo(result.PerPayer(result.PayerCounterfactualPaid).Month(m));
            await actors.BookAsync(m, paid, cfPaid, ct);
        }

        var ledgers = await actors.LedgersAsync(ct);
        var contribution = result.PerParty(result.PartyContribution);
        var inKind = result.PerParty(result.PartyInKind);
        var partyPaid = result.PerParty(result.PartyPaid);
        var partyCfPaid = result.PerParty(result.PartyCounterfactualPaid);
        for (var p = 0; p < nP; p++)
            for (var m = 0; m < months; m++)
            {
                var e = ledgers[p][m];
                contribution[m, p] = e.Contribution;
                inKind[m, p] = e.InKind;
                partyPaid[m, p] = e.Paid;
                partyCfPaid[m, p] = e.CounterfactualPaid;
            }

        // The budget's month grids have the result's layout (the same [month, line] and [month, insats then structural]).
        Copy(model.Budget.LineSpend, result.PerLine);
        Copy(model.Budget.InsatsSpend, result.PerInsatsSpend);
        result.Served = result.ServedByGender.Sum();
        return result;
    }

    private static void Add(Span<int> into, int[] values)
    {
        if (into.Length != values.Length) throw new InvalidOperationException("a shard's month does not match the replicate's month row");
        for (var k = 0; k < values.Length; k++) into[k] += values[k];
    }

    private static void Copy(MonthGrid<double> from, MonthGrid<double> to)
    {
        if (from.Months != to.Months || from.Width != to.Width) throw new InvalidOperationException("the budget plan and the result disagree on a grid's shape");
        from.Data.CopyTo(to.Data, 0);
    }
}
