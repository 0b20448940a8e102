using Finsam.Core.Results;

namespace Finsam.Core.Simulation;

/// <summary>
/// The actors of one replicate as the coordinator sees them. In-process they are objects
/// (<see cref="LocalActors"/>); in a cluster, grains. Each call fans out to every shard, insats or
/// party and returns their answers in index order. An answer, and what was handed over in a call,
/// belongs to the caller only until the next call of the same kind: in-process actors refill the
/// same buffers month after month rather than allocate them anew.
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

        // Buffers reused month after month: the actors read what they are given before they answer
        // (see IReplicateActors), so nothing handed over is still in use when a buffer is refilled.
        var perFlow = new int[ix.Flows.Length];
        var perShardCount = new int[shards];
        var perInsats = new QueueEntry[nI][];
        var admittedPerShard = new List<Admission>[shards];
        var removedPerShard = new List<Removal>[shards];
        for (var s = 0; s < shards; s++) { admittedPerShard[s] = []; removedPerShard[s] = []; }
        var decisions = new ShardDecisions[shards];
        var intake = new IntakeReport[shards];
        var paid = new double[nPay];
        var cfPaid = new double[nPay];

        async Task<Referral[][]> Referrals(int m)
        {
            // Parties draw counts; ids are handed out in flow order, shards by id.
            var counts = await actors.DrawReferralsAsync(m, ct);
            Array.Clear(perFlow);
            foreach (var partyCounts in counts)
                foreach (var fc in partyCounts) perFlow[fc.Flow] = fc.Count;
            var total = 0;
            for (var f = 0; f < perFlow.Length; f++) total += perFlow[f];
            // Ids nextId … nextId + total − 1 go round the shards in turn.
            var perShard = new Referral[shards][];
            for (var s = 0; s < shards; s++)
            {
                var first = ((s - nextId) % shards + shards) % shards;
                perShard[s] = total > first ? new Referral[(total - first + shards - 1) / shards] : [];
            }
            Array.Clear(perShardCount);
            for (var f = 0; f < perFlow.Length; f++)
            {
                referred[m, ix.FlowInsats[f]] += perFlow[f];
                for (var k = 0; k < perFlow[f]; k++)
                {
                    var id = nextId++;
                    var s = id % shards;
                    perShard[s][perShardCount[s]++] = new Referral(id, f);
                }
            }
            result.Referrals = nextId;
            return perShard;
        }

        (await actors.IntakeAsync(0, await Referrals(0), ct)).CopyTo(intake, 0);
        for (var m = 0; m < months; m++)
        {
            ct.ThrowIfCancellationRequested();

            // Intake: new participants and chained ones join the queues.
            for (var i = 0; i < nI; i++)
            {
                perInsats[i] = Gather(intake, i);
                for (var s = 0; s < shards; s++) ineligible[m, i] += intake[s].Ineligible[i];
            }

            // Admissions, decided by each insats on its own queue.
            var admissions = await actors.AdmitAsync(m, left, perInsats, ct);
            for (var s = 0; s < shards; s++) { admittedPerShard[s].Clear(); removedPerShard[s].Clear(); }
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
            for (var s = 0; s < shards; s++) decisions[s] = new ShardDecisions([.. admittedPerShard[s]], [.. removedPerShard[s]]);
            var next = m + 1 < months ? await Referrals(m + 1) : null;
            var steps = await actors.StepAsync(m, decisions, next, ct);
            for (var s = 0; s < shards; s++) intake[s] = steps[s].NextIntake!;
            Array.Clear(left);
            foreach (var step in steps)
            {
                var r = step.Progress;
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
            Array.Clear(paid);
            Array.Clear(cfPaid);
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

    /// <summary>Every shard's queue entries for insats <paramref name="i"/>; one shard's are passed on as they are.</summary>
    private static QueueEntry[] Gather(IntakeReport[] intake, int i)
    {
        if (intake.Length == 1) return intake[0].Requests[i];
        var n = 0;
        foreach (var r in intake) n += r.Requests[i].Length;
        if (n == 0) return [];
        var all = new QueueEntry[n];
        n = 0;
        foreach (var r in intake)
        {
            r.Requests[i].CopyTo(all, n);
            n += r.Requests[i].Length;
        }
        return all;
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
