namespace Finsam.Core.Simulation;

// The messages between the actors of one replicate (shards, insatser, parties). Plain data: per
// month there is one message per shard and phase and one per insats — never one per participant.

/// <summary>A new participant: a global id (its shard is id mod shard count) and the referral flow it came by.</summary>
public readonly record struct Referral(int Id, int Flow);

/// <summary>Someone joining an insats's queue in <see cref="Month"/>. The queue orders by (Month, Id).</summary>
public readonly record struct QueueEntry(int Id, int Shard, int Month);

/// <summary>A shard's new queue entries per insats (fresh referrals and chained participants) and refusals.</summary>
public sealed record IntakeReport(QueueEntry[][] Requests, int[] Ineligible);

/// <summary>An insats's decision for a month: who is admitted (with their wait) and who left the queue.</summary>
public sealed record AdmissionReport(
    QueueEntry[] Admitted, int[] Waits, QueueEntry[] Removed, int GaveUp, int Closed,
    int Capacity, int Occupancy, int QueueLength);

public readonly record struct Admission(int Id, int Insats, int Wait);

public readonly record struct Removal(int Id, int Insats);

/// <summary>The admission decisions that concern one shard.</summary>
public sealed record ShardDecisions(Admission[] Admitted, Removal[] Removed)
{
    public static readonly ShardDecisions None = new([], []);
}

/// <summary>A shard's month: what its people did, and the queue entries of next month's intake (null in the last month).</summary>
public sealed record ShardMonth(ProgressReport Progress, IntakeReport? NextIntake);

/// <summary>
/// What a shard's participants did in a month, as counts the coordinator sums. A shard refills one
/// report month after month (<see cref="Clear"/>); the coordinator reads it before the next month.
/// </summary>
public sealed class ProgressReport
{
    public required int[] Exits { get; init; }               // [insats] places freed (planned, unplanned, chained)
    public required int[] Planned { get; init; }             // [insats]
    public required int[] Dropouts { get; init; }            // [insats]
    public required int[] Chained { get; init; }             // [insats]
    // One month row of the replicate's [month, insats, category] arrays (a Table of [insats, category]).
    public required int[] ExitOccupation { get; init; }      // [insats, occupation after exit]
    public required int[] StartIncome { get; init; }         // [insats, income at admission]
    public required int[] StartOccupation { get; init; }     // [insats, occupation at admission]
    public ExitCounts Detail { get; init; } = ExitCounts.Empty; // only what the scenario's recorded results need
    public required int[] Income { get; init; }              // [income] people in each state at month end
    public required int[] CounterfactualIncome { get; init; }
    public required int[] Occupation { get; init; }          // [occupation]
    public required int[] ServedByGender { get; init; }      // [gender] first admissions this month
    public int WorkOrStudies { get; set; }                  // first exits to work or studies this month
    public int Due12 { get; set; }                          // referred exactly 12 months ago
    public int SelfSufficient12 { get; set; }
    public int CounterfactualSelfSufficient12 { get; set; }
    public long ParticipantMonths { get; set; }

    /// <summary>Zeroes every count for the next month.</summary>
    public void Clear()
    {
        Array.Clear(Exits);
        Array.Clear(Planned);
        Array.Clear(Dropouts);
        Array.Clear(Chained);
        Array.Clear(ExitOccupation);
        Array.Clear(StartIncome);
        Array.Clear(StartOccupation);
        Array.Clear(Income);
        Array.Clear(CounterfactualIncome);
        Array.Clear(Occupation);
        Array.Clear(ServedByGender);
        Detail.Clear();
        WorkOrStudies = Due12 = SelfSufficient12 = CounterfactualSelfSufficient12 = 0;
        ParticipantMonths = 0;
    }
}
