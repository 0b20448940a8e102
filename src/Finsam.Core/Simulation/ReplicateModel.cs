using Finsam.Core.Results;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Simulation;

/// <summary>
/// One replicate's world: the uncertain parameters drawn for it, its budget plan, and the monthly
/// tables (capacities, hazards, destination mixes, baseline transitions) the actors read.
/// Deterministic in (scenario, seed, replicate): every number is drawn from its own stream, named by
/// its field path, so the order of the steps below changes nothing and every host gets the same model.
/// </summary>
public sealed class ReplicateModel
{
    public ScenarioIndex Ix { get; }
    public int Replicate { get; }
    public ulong Seed { get; }
    public int Months { get; }
    public int InsatsCount { get; }

    // Ersättning: monthly cost per person in each income state.
    public double[] MonthlyCost { get; }

    // Referral population.
    public MonthGrid<double> FlowRate { get; }     // [month, flow] expected referrals
    public int[] CohortCount { get; }              // [flow]
    public int[] CohortMonth { get; }              // [flow], -1 when none
    public GroupProfile[] Profiles { get; }        // [target group]

    // Individual insatser, [month, insats].
    public MonthGrid<int> Capacity { get; }
    public MonthGrid<bool> IntakeOpen { get; }
    public MonthGrid<double[]> Hazard { get; }     // [month, insats][months enrolled]
    public MonthGrid<double> Dropout { get; }
    public MonthGrid<double> GiveUp { get; }
    /// <summary>[month, insats][occupation at admission] cumulative exit destinations; rows are shared when they do not depend on it.</summary>
    public MonthGrid<double[][]> DestinationCum { get; }
    // Individual insatser, [insats].
    public int[] StopMonth { get; }                // month everyone still enrolled exits; int.MaxValue when none
    public int[] DropoutTo { get; }                // -1 keeps the occupation
    public double[] ChainTotal { get; }
    public double[][] ChainCum { get; }            // [insats][k]
    public int[][] ChainTo { get; }                // [insats][k]
    public bool[]?[] EligibleGroup { get; }
    public bool[]?[] EligibleParty { get; }
    public bool[]?[] EligibleIncome { get; }
    public bool[]?[] EligibleAge { get; }

    // Outside any insats.
    public BaselineTable[] Factual { get; }        // [month]
    public BaselineTable Counterfactual { get; }

    // Money.
    public BudgetPlan Budget { get; }

    /// <summary>The optional exit counts the scenario's recorded results need.</summary>
    public ExitRecords Records { get; }

    public ReplicateModel(ScenarioIndex ix, int replicate)
    {
        Ix = ix;
        Replicate = replicate;
        Seed = Rng.ReplicateSeed(ix.Scenario.Seed, replicate);
        Months = ix.Months;
        InsatsCount = ix.Individual.Length;
        Records = RecordedForecast.Needs(ix.Scenario.Recorded);
        MonthlyCost = ix.Scenario.IncomeStates.Select(x => Draw(x.MonthlyCost)).ToArray();

        Budget = new BudgetPlan(ix, this);
        var effects = new StructuralEffects(this);
        (FlowRate, CohortCount, CohortMonth) = PlanReferrals(effects);
        Profiles = ix.Groups.Select(DrawProfile).ToArray();

        int months = Months, nI = InsatsCount;
        Capacity = new MonthGrid<int>(months, nI);
        IntakeOpen = new MonthGrid<bool>(months, nI);
        Hazard = new MonthGrid<double[]>(months, nI);
        Dropout = new MonthGrid<double>(months, nI);
        GiveUp = new MonthGrid<double>(months, nI);
        DestinationCum = new MonthGrid<double[][]>(months, nI);
        StopMonth = new int[nI];
        DropoutTo = new int[nI];
        ChainTotal = new double[nI];
        ChainCum = new double[nI][];
        ChainTo = new int[nI][];
        EligibleGroup = new bool[]?[nI];
        EligibleParty = new bool[]?[nI];
        EligibleIncome = new bool[]?[nI];
        EligibleAge = new bool[]?[nI];
        var exitModels = DrawExitModels();
        for (var i = 0; i < nI; i++)
        {
            PlanRouting(i);
            PlanMonths(i, effects, exitModels);
        }

        (Counterfactual, Factual) = PlanBaseline(effects);
    }

    /// <summary>Expected referrals per month and flow (Poisson rates, with structural effects), or a cohort's size and month.</summary>
    private (MonthGrid<double> Rate, int[] CohortCount, int[] CohortMonth) PlanReferrals(StructuralEffects effects)
    {
        var ix = Ix;
        var nF = ix.Flows.Length;
        var rates = new MonthGrid<double>(Months, nF);
        var cohortCount = new int[nF];
        var cohortMonth = new int[nF];
        for (var f = 0; f < nF; f++)
        {
            var flow = ix.Flows[f];
            var target = ix.Individual[ix.FlowInsats[f]];
            var from = flow.Start is { } a ? ix.MonthOf(a) : 0;
            var to = flow.Stop is { } b ? ix.MonthOf(b) : Months - 1;
            // Referrals stop when the insats stops taking people in.
            if (target.IntakeStop is { } its) to = Math.Min(to, ix.MonthOf(its));
            if (target.Stop is { } tsp) to = Math.Min(to, ix.MonthOf(tsp));
            cohortMonth[f] = -1;
            if (flow.Count is { } count)
            {
                cohortCount[f] = count;
                cohortMonth[f] = from;
                continue;
            }
            var rate = Draw(flow.Rate!);
            for (var m = Math.Max(0, from); m <= Math.Min(Months - 1, to); m++)
                rates[m, f] = rate * effects.Multiplier(ix.FlowInsats[f], m, e => e.Referrals);
        }
        return (rates, cohortCount, cohortMonth);
    }

    /// <summary>Who a target group sends: its income, occupation, age and gender mixes, drawn for this replicate.</summary>
    private GroupProfile DrawProfile(TargetGroup g) => new(
        Cumulate(Spread(DrawMix(g.Income), g.Income.Categories, Ix.Incomes)),
        Cumulate(Spread(DrawMix(g.Occupation), g.Occupation.Categories, Ix.Occupations)),
        Cumulate(DrawMix(g.Age)), g.Age.Categories.Select(a => Array.IndexOf(Ix.Ages, a)).ToArray(),
        Cumulate(DrawMix(g.Gender)), g.Gender.Categories.Select(a => Array.IndexOf(Ix.Genders, a)).ToArray());

    /// <summary>Exit models are drawn once per replicate (each row from its own stream) and shared by the insatser using them.</summary>
    private Dictionary<string, double[][]> DrawExitModels() => Ix.Scenario.ExitModels.ToDictionary(e => e.Id, e =>
    {
        var drawn = new Dictionary<Mix, double[]>(ReferenceEqualityComparer.Instance);
        return Ix.Occupations.Select(o =>
        {
            var mix = e.For(o);
            if (!drawn.TryGetValue(mix, out var shares)) drawn[mix] = shares = Spread(DrawMix(mix), mix.Categories, Ix.Occupations);
            return shares;
        }).ToArray();
    }, StringComparer.Ordinal);

    /// <summary>What an insats does with people apart from the month: its stop, where dropouts go, its chains, who is eligible.</summary>
    private void PlanRouting(int i)
    {
        var ix = Ix;
        var ins = ix.Individual[i];
        StopMonth[i] = ins.Stop is { } sp ? ix.MonthOf(sp) : int.MaxValue;
        DropoutTo[i] = ins.DropoutTo is null ? -1 : ix.OccupationIndex(ins.DropoutTo);
        var chainP = ins.Chains.Select(c => Draw(c.Probability)).ToArray();
        ChainTotal[i] = Math.Min(1, chainP.Sum());
        ChainCum[i] = Cumulate(chainP);
        ChainTo[i] = ins.Chains.Select(c => ix.InsatsIndex(c.To)).ToArray();
        EligibleGroup[i] = Mask(ins.Eligibility.TargetGroups, ix.Groups.Select(g => g.Id).ToArray());
        EligibleParty[i] = Mask(ins.Eligibility.Parties, ix.Parties.Select(p => p.Id).ToArray());
        EligibleIncome[i] = Mask(ins.Eligibility.IncomeStates, ix.Incomes);
        EligibleAge[i] = Mask(ins.Eligibility.Ages, ix.Ages);
    }

    /// <summary>
    /// An insats's months: open for intake or not, places (funded, times capacity effects), exit hazards,
    /// dropout and give-up chances, and exit destinations, each with that month's structural effects.
    /// </summary>
    private void PlanMonths(int i, StructuralEffects effects, Dictionary<string, double[][]> exitModels)
    {
        var ix = Ix;
        var ins = ix.Individual[i];
        var start = ins.Start is { } st ? ix.MonthOf(st) : int.MinValue / 2;
        var intakeStop = ins.IntakeStop is { } its ? ix.MonthOf(its) : int.MaxValue;
        var duration = new DurationDraw(ins.Duration!, this);
        var hazards = new Dictionary<double, double[]>();
        var destinations = new DestinationTables(ins.ExitModel is { } em ? exitModels[em]
            : Enumerable.Repeat(Spread(DrawMix(ins.Exits!), ins.Exits!.Categories, ix.Occupations), ix.Occupations.Length).ToArray());
        var dropout = ins.Dropout is null ? 0 : Draw(ins.Dropout);
        var giveUp = ins.GiveUp is null ? 0 : Draw(ins.GiveUp);

        var exitMultipliers = new double[ix.Occupations.Length];
        for (var m = 0; m < Months; m++)
        {
            var running = m >= start && m <= StopMonth[i];
            IntakeOpen[m, i] = running && m <= intakeStop;
            var places = ins.FixedPlaces ?? Budget.FundedPlaces[m, i] * effects.Multiplier(i, m, e => e.Capacity);
            Capacity[m, i] = running ? (int)Math.Floor(places + 1e-9) : 0;
            var dm = effects.Multiplier(i, m, e => e.Duration);
            if (!hazards.TryGetValue(dm, out var h)) hazards[dm] = h = duration.Hazards(dm, Months + 2);
            Hazard[m, i] = h;
            Dropout[m, i] = Math.Clamp(dropout * effects.Multiplier(i, m, e => e.Dropout), 0, 1);
            GiveUp[m, i] = Math.Clamp(giveUp * effects.Multiplier(i, m, e => e.GiveUp), 0, 1);
            effects.ExitMultipliers(i, m, exitMultipliers);
            DestinationCum[m, i] = destinations.For(exitMultipliers);
        }
    }

    /// <summary>Baseline transitions outside insatser: the counterfactual never sees structural effects, the factual does month by month.</summary>
    private (BaselineTable Counterfactual, BaselineTable[] Factual) PlanBaseline(StructuralEffects effects)
    {
        var ix = Ix;
        var nS = ix.Incomes.Length;
        var baseP = new Table<double>(nS, nS);
        foreach (var t in ix.Scenario.Baseline)
            baseP[ix.IncomeIndex(t.From), ix.IncomeIndex(t.To)] = Draw(t.Monthly);
        var counterfactual = new BaselineTable(baseP);
        var baselineEffects = effects.OnBaseline;
        var factual = new BaselineTable[Months];
        for (var m = 0; m < Months; m++)
        {
            if (baselineEffects.Count == 0 || baselineEffects.All(e => effects.Strength(e, m) == 0)) { factual[m] = counterfactual; continue; }
            var p = baseP.Clone();
            foreach (var e in baselineEffects)
                p[ix.IncomeIndex(e.Effect.TransitionFrom!), ix.IncomeIndex(e.Effect.TransitionTo!)] *= 1 + (e.TransitionMultiplier - 1) * effects.Strength(e, m);
            factual[m] = new BaselineTable(p);
        }
        return (counterfactual, factual);
    }

    /// <summary>Draws an uncertain number from its own stream, named by its field path.</summary>
    public double Draw(Param p) => p.Dist.IsFixed ? p.Dist.Mean : p.Dist.Draw(Random(Rng.Combine(Seed, p.Key)));

    public double[] DrawMix(Mix mix) => mix.Draw(Random(Rng.Combine(Seed, mix.Key)));

    // One generator per thread, restarted for each draw: a draw is a few numbers, its object was most of the cost.
    [ThreadStatic] private static StreamRandom? t_random;

    private static StreamRandom Random(ulong stream) => (t_random ??= new StreamRandom(0)).Restart(stream);

    private static double[] Spread(double[] shares, IReadOnlyList<string> categories, string[] all)
    {
        var full = new double[all.Length];
        for (var k = 0; k < categories.Count; k++) full[Array.IndexOf(all, categories[k])] += shares[k];
        return full;
    }

    private static double[] Normalise(double[] w)
    {
        var t = w.Sum();
        return t > 0 ? w.Select(x => x / t).ToArray() : w;
    }

    /// <summary>Cumulative thresholds; the last is forced to 1 so rounding never leaves a gap.</summary>
    public static double[] Cumulate(double[] p)
    {
        var c = new double[p.Length];
        var acc = 0.0;
        for (var k = 0; k < p.Length; k++) { acc += p[k]; c[k] = acc; }
        if (c.Length > 0 && acc > 0 && Math.Abs(acc - 1) < 1e-6) c[^1] = 1;
        return c;
    }

    /// <summary>Index of the first threshold above u.</summary>
    public static int Pick(double[] cum, double u)
    {
        for (var k = 0; k < cum.Length; k++) if (u < cum[k]) return k;
        return cum.Length - 1;
    }

    private static bool[]? Mask(IReadOnlyList<string> allowed, string[] all) =>
        allowed.Count == 0 ? null : all.Select(allowed.Contains).ToArray();

    /// <summary>
    /// An insats's exit destinations by occupation at admission, as cumulative tables. Months with the
    /// same exit effects share one table, and occupations with the same row share it within a table.
    /// </summary>
    private sealed class DestinationTables(double[][] shares)
    {
        private double[]? _lastMultipliers;
        private double[][]? _lastTable;

        /// <summary>The table for these multipliers (the caller may refill its array afterwards: a copy is kept).</summary>
        public double[][] For(double[] multipliers)
        {
            if (_lastTable is not null && multipliers.AsSpan().SequenceEqual(_lastMultipliers)) return _lastTable;
            var tables = new Dictionary<double[], double[]>(ReferenceEqualityComparer.Instance);
            _lastTable = shares.Select(row =>
            {
                if (!tables.TryGetValue(row, out var cum))
                    tables[row] = cum = Cumulate(Normalise(row.Select((x, o) => x * multipliers[o]).ToArray()));
                return cum;
            }).ToArray();
            _lastMultipliers = (double[])multipliers.Clone();
            return _lastTable;
        }
    }
}

/// <summary>Who a target group sends, drawn for one replicate: cumulative mixes, and each age and gender category's catalog index.</summary>
public sealed record GroupProfile(double[] IncomeCum, double[] OccupationCum, double[] AgeCum, int[] AgeIndex, double[] GenderCum, int[] GenderIndex);
