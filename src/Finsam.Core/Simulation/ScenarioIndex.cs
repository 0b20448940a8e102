using Finsam.Core.Scenarios;

namespace Finsam.Core.Simulation;

/// <summary>
/// The scenario with every name replaced by a small integer, as the engine's arrays need.
/// Built once per run; holds no random draws.
/// </summary>
public sealed class ScenarioIndex
{
    public Scenario Scenario { get; }
    public int Months => Scenario.Months;

    public string[] Incomes { get; }
    public string[] Occupations { get; }
    public string[] Payers { get; }
    public string[] Lines { get; }
    public Party[] Parties { get; }
    /// <summary>Individual insatser: the ones with places and queues, indexed 0..n-1.</summary>
    public Insats[] Individual { get; }
    public Insats[] Structural { get; }
    public TargetGroup[] Groups { get; }
    public ReferralFlow[] Flows { get; }
    public string[] Ages { get; }
    public string[] Genders { get; }

    public int[] IncomePayer { get; }
    /// <summary>Occupation someone takes on entering an income state, or -1 to keep theirs.</summary>
    public int[] IncomeOccupation { get; }
    /// <summary>Income state someone takes on entering an occupation, or -1 to keep theirs.</summary>
    public int[] OccupationIncome { get; }
    public bool[] SelfSufficient { get; }
    public Outcome[] OccupationOutcome { get; }
    public int[] FlowParty { get; }
    public int[] FlowGroup { get; }
    public int[] FlowInsats { get; }
    /// <summary>The key of each flow's referral stream (hashed once per run, not per replicate and month).</summary>
    public ulong[] FlowReferralKey { get; }
    /// <summary>For each payer, the parties that carry it and their share of it.</summary>
    public (int Party, double Share)[][] PayerParties { get; }

    public ScenarioIndex(Scenario s)
    {
        Scenario = s;
        Incomes = s.IncomeStates.Select(x => x.Id).ToArray();
        Occupations = s.Occupations.Select(x => x.Id).ToArray();
        Payers = s.Payers.Select(x => x.Id).ToArray();
        Lines = s.Budget.Lines.Select(x => x.Id).ToArray();
        Parties = [.. s.Parties];
        Individual = s.Insatser.Where(i => i.Kind == InsatsKind.Individual).ToArray();
        Structural = s.Insatser.Where(i => i.Kind == InsatsKind.Structural).ToArray();
        Groups = [.. s.TargetGroups];
        Flows = [.. s.Referrals];
        Ages = Groups.SelectMany(g => g.Age.Categories).Distinct().ToArray();
        Genders = Groups.SelectMany(g => g.Gender.Categories).Distinct().ToArray();

        IncomePayer = s.IncomeStates.Select(x => Array.IndexOf(Payers, x.Payer)).ToArray();
        IncomeOccupation = s.IncomeStates.Select(x => x.Occupation is null ? -1 : Array.IndexOf(Occupations, x.Occupation)).ToArray();
        OccupationIncome = s.Occupations.Select(x => x.Income is null ? -1 : Array.IndexOf(Incomes, x.Income)).ToArray();
        SelfSufficient = s.IncomeStates.Select(x => x.SelfSufficient).ToArray();
        OccupationOutcome = s.Occupations.Select(x => x.Outcome).ToArray();
        FlowParty = Flows.Select(f => Array.FindIndex(Parties, p => p.Id == f.From)).ToArray();
        FlowGroup = Flows.Select(f => Array.FindIndex(Groups, g => g.Id == f.TargetGroup)).ToArray();
        FlowInsats = Flows.Select(f => InsatsIndex(f.To)).ToArray();
        FlowReferralKey = Flows.Select(f => Rng.Hash("referrals:" + f.Id)).ToArray();

        PayerParties = s.Payers.Select(payer =>
        {
            if (payer.PartyKind is not { } kind) return [];
            var carriers = Parties.Select((p, i) => (p, i)).Where(t => t.p.Kind == kind).ToArray();
            if (carriers.Length == 0) return [];
            // Several parties of one kind (the kommuner) split the cost by their contribution shares,
            // the municipal key of the förbund agreement; equal split when shares are not given.
            var weights = carriers.Select(t => t.p.Share ?? 0).ToArray();
            var total = weights.Sum();
            return carriers.Select((t, k) => (t.i, total > 0 ? weights[k] / total : 1.0 / carriers.Length)).ToArray();
        }).ToArray();
    }

    /// <summary>Expected number of people referred over the horizon (cohorts plus mean rates), for sizing.</summary>
    public double ExpectedParticipants()
    {
        var total = 0.0;
        foreach (var f in Flows)
        {
            if (f.Count is { } c) { total += c; continue; }
            var from = f.Start is { } a ? Math.Max(0, MonthOf(a)) : 0;
            var to = f.Stop is { } b ? Math.Min(Months - 1, MonthOf(b)) : Months - 1;
            total += f.Rate!.Mean * Math.Max(0, to - from + 1);
        }
        return total;
    }

    public int InsatsIndex(string id) => Array.FindIndex(Individual, i => i.Id == id);
    public int IncomeIndex(string id) => Array.IndexOf(Incomes, id);
    public int OccupationIndex(string id) => Array.IndexOf(Occupations, id);

    /// <summary>Month index (0-based from the horizon start) of a calendar month.</summary>
    public int MonthOf(YearMonth ym) => YearMonth.MonthsBetween(Scenario.Start, ym);

    public YearMonth CalendarMonth(int month) => Scenario.Start.AddMonths(month);
}
