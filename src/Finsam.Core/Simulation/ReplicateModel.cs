using Finsam.Core.Scenarios;
using MathNet.Numerics.Distributions;

namespace Finsam.Core.Simulation;

/// <summary>
/// One replicate's world: the uncertain parameters drawn for it, its budget plan, and the monthly
/// tables (capacities, hazards, destination mixes, baseline transitions) the actors read.
/// Deterministic in (scenario, seed, replicate): every host that builds it gets the same numbers,
/// so shards, insatser and parties on different silos agree without shipping it around.
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
    public double[] FlowRate { get; }          // [month * flows + flow] expected referrals
    public int[] CohortCount { get; }          // [flow]
    public int[] CohortMonth { get; }          // [flow], -1 when none
    public double[][] GroupIncomeCum { get; }
    public double[][] GroupOccupationCum { get; }
    public double[][] GroupAgeCum { get; }
    public int[][] GroupAgeIndex { get; }
    public double[][] GroupGenderCum { get; }
    public int[][] GroupGenderIndex { get; }

    // Individual insatser, per [month * insatser + insats].
    public int[] Capacity { get; }
    public bool[] IntakeOpen { get; }
    public int[] StopMonth { get; }            // [insats], month everyone still enrolled exits; int.MaxValue when none
    public double[][] Hazard { get; }
    public double[] Dropout { get; }
    public double[] GiveUp { get; }
    /// <summary>[month * insatser + insats][occupation at admission] cumulative exit destinations; rows are shared when they do not depend on it.</summary>
    public double[][][] DestinationCum { get; }
    public int[] DropoutTo { get; }            // [insats], -1 keeps the occupation
    public double[] ChainTotal { get; }        // [insats]
    public double[][] ChainCum { get; }        // [insats][k]
    public int[][] ChainTo { get; }            // [insats][k]
    public bool[]?[] EligibleGroup { get; }
    public bool[]?[] EligibleParty { get; }
    public bool[]?[] EligibleIncome { get; }
    public bool[]?[] EligibleAge { get; }

    // Outside any insats.
    public BaselineTable[] Factual { get; }    // [month]
    public BaselineTable Counterfactual { get; }

    // Money.
    public BudgetPlan Budget { get; }

    /// <summary>The optional exit counts the scenario's recorded results need.</summary>
    public Results.ExitRecords Records { get; }

    public ReplicateModel(ScenarioIndex ix, int replicate)
    {
        Ix = ix;
        Replicate = replicate;
        Seed = Rng.ReplicateSeed(ix.Scenario.Seed, replicate);
        Months = ix.Months;
        InsatsCount = ix.Individual.Length;
        var s = ix.Scenario;
        var nI = InsatsCount;
        Records = Results.RecordedForecast.Needs(s.Recorded);

        MonthlyCost = s.IncomeStates.Select(x => Draw(x.MonthlyCost)).ToArray();

        // Structural effects: drawn multipliers, then their strength per month (ramp × funded share).
        Budget = new BudgetPlan(ix, this);
        var effects = ix.Structural.SelectMany((k, ki) => k.Effects.Select(e => new DrawnEffect(e, ki, this))).ToList();
        double Strength(DrawnEffect e, int m)
        {
            var k = ix.Structural[e.Structural];
            var start = k.Start is { } st ? ix.MonthOf(st) : int.MinValue / 2;
            var stop = k.Stop is { } sp ? ix.MonthOf(sp) : int.MaxValue;
            if (m < start || m > stop) return 0;
            var ramp = e.Effect.RampMonths <= 0 ? 1 : Math.Min(1, (m - start + 1) / (double)e.Effect.RampMonths);
            return ramp * Budget.StructuralFunded[m * ix.Structural.Length + e.Structural];
        }
        double Multiplier(int insats, int m, Func<DrawnEffect, double?> pick)
        {
            var mult = 1.0;
            foreach (var e in effects)
                if (e.Insats == insats && pick(e) is { } v)
                    mult *= 1 + (v - 1) * Strength(e, m);
            return mult;
        }

        // Referrals.
        var nF = ix.Flows.Length;
        FlowRate = new double[Months * nF];
        CohortCount = new int[nF];
        CohortMonth = new int[nF];
        for (var f = 0; f < nF; f++)
        {
            var flow = ix.Flows[f];
            var target = ix.Individual[ix.FlowInsats[f]];
            var from = flow.Start is { } a ? ix.MonthOf(a) : 0;
            var to = flow.Stop is { } b ? ix.MonthOf(b) : Months - 1;
            // Referrals stop when the insats stops taking people in.
            if (target.IntakeStop is { } its) to = Math.Min(to, ix.MonthOf(its));
            if (target.Stop is { } tsp) to = Math.Min(to, ix.MonthOf(tsp));
            CohortMonth[f] = -1;
            if (flow.Count is { } count)
            {
                CohortCount[f] = count;
                CohortMonth[f] = from;
                continue;
            }
            var rate = Draw(flow.Rate!);
            for (var m = Math.Max(0, from); m <= Math.Min(Months - 1, to); m++)
                FlowRate[m * nF + f] = rate * Multiplier(ix.FlowInsats[f], m, e => e.Referrals);
        }

        // Profiles of referred people.
        var nG = ix.Groups.Length;
        GroupIncomeCum = new double[nG][];
        GroupOccupationCum = new double[nG][];
        GroupAgeCum = new double[nG][];
        GroupAgeIndex = new int[nG][];
        GroupGenderCum = new double[nG][];
        GroupGenderIndex = new int[nG][];
        for (var g = 0; g < nG; g++)
        {
            var grp = ix.Groups[g];
            GroupIncomeCum[g] = Cumulate(Spread(DrawMix(grp.Income), grp.Income.Categories, ix.Incomes));
            GroupOccupationCum[g] = Cumulate(Spread(DrawMix(grp.Occupation), grp.Occupation.Categories, ix.Occupations));
            GroupAgeCum[g] = Cumulate(DrawMix(grp.Age));
            GroupAgeIndex[g] = grp.Age.Categories.Select(a => Array.IndexOf(ix.Ages, a)).ToArray();
            GroupGenderCum[g] = Cumulate(DrawMix(grp.Gender));
            GroupGenderIndex[g] = grp.Gender.Categories.Select(a => Array.IndexOf(ix.Genders, a)).ToArray();
        }

        // Individual insatser.
        Capacity = new int[Months * nI];
        IntakeOpen = new bool[Months * nI];
        StopMonth = new int[nI];
        Hazard = new double[Months * nI][];
        Dropout = new double[Months * nI];
        GiveUp = new double[Months * nI];
        DestinationCum = new double[Months * nI][][];
        var nO = ix.Occupations.Length;
        // Exit models are drawn once per replicate (each row from its own stream) and shared by the insatser using them.
        var modelShares = s.ExitModels.ToDictionary(e => e.Id, e =>
        {
            var drawn = new Dictionary<Mix, double[]>(ReferenceEqualityComparer.Instance);
            return ix.Occupations.Select(o =>
            {
                var mix = e.For(o);
                if (!drawn.TryGetValue(mix, out var shares)) drawn[mix] = shares = Spread(DrawMix(mix), mix.Categories, ix.Occupations);
                return shares;
            }).ToArray();
        }, StringComparer.Ordinal);
        DropoutTo = new int[nI];
        ChainTotal = new double[nI];
        ChainCum = new double[nI][];
        ChainTo = new int[nI][];
        EligibleGroup = new bool[]?[nI];
        EligibleParty = new bool[]?[nI];
        EligibleIncome = new bool[]?[nI];
        EligibleAge = new bool[]?[nI];
        for (var i = 0; i < nI; i++)
        {
            var ins = ix.Individual[i];
            var start = ins.Start is { } st ? ix.MonthOf(st) : int.MinValue / 2;
            var stop = ins.Stop is { } sp ? ix.MonthOf(sp) : int.MaxValue;
            var intakeStop = ins.IntakeStop is { } its ? ix.MonthOf(its) : int.MaxValue;
            StopMonth[i] = stop;
            var duration = new DurationDraw(ins.Duration!, this);
            var hazards = new Dictionary<double, double[]>();
            // By occupation at admission: one shared row unless the insats uses an exit model.
            var exitShares = ins.ExitModel is { } em ? modelShares[em]
                : Enumerable.Repeat(Spread(DrawMix(ins.Exits!), ins.Exits!.Categories, ix.Occupations), nO).ToArray();
            double[]? lastMultipliers = null;
            double[][]? lastTable = null;
            var dropout = ins.Dropout is null ? 0 : Draw(ins.Dropout);
            var giveUp = ins.GiveUp is null ? 0 : Draw(ins.GiveUp);
            DropoutTo[i] = ins.DropoutTo is null ? -1 : ix.OccupationIndex(ins.DropoutTo);
            var chainP = ins.Chains.Select(c => Draw(c.Probability)).ToArray();
            ChainTotal[i] = Math.Min(1, chainP.Sum());
            ChainCum[i] = Cumulate(chainP);
            ChainTo[i] = ins.Chains.Select(c => ix.InsatsIndex(c.To)).ToArray();
            EligibleGroup[i] = Mask(ins.Eligibility.TargetGroups, ix.Groups.Select(g => g.Id).ToArray());
            EligibleParty[i] = Mask(ins.Eligibility.Parties, ix.Parties.Select(p => p.Id).ToArray());
            EligibleIncome[i] = Mask(ins.Eligibility.IncomeStates, ix.Incomes);
            EligibleAge[i] = Mask(ins.Eligibility.Ages, ix.Ages);

            for (var m = 0; m < Months; m++)
            {
                var at = m * nI + i;
                var running = m >= start && m <= stop;
                IntakeOpen[at] = running && m <= intakeStop;
                var places = ins.FixedPlaces ?? Budget.FundedPlaces[at] * Multiplier(i, m, e => e.Capacity);
                Capacity[at] = running ? (int)Math.Floor(places + 1e-9) : 0;
                var dm = Multiplier(i, m, e => e.Duration);
                if (!hazards.TryGetValue(dm, out var h)) hazards[dm] = h = duration.Hazards(dm, Months + 2);
                Hazard[at] = h;
                Dropout[at] = Math.Clamp(dropout * Multiplier(i, m, e => e.Dropout), 0, 1);
                GiveUp[at] = Math.Clamp(giveUp * Multiplier(i, m, e => e.GiveUp), 0, 1);
                var multipliers = new double[nO];
                Array.Fill(multipliers, 1.0);
                foreach (var e in effects)
                    if (e.Insats == i)
                        foreach (var (occ, v) in e.Exits)
                            multipliers[occ] *= 1 + (v - 1) * Strength(e, m);
                // Months with the same exit effects share one table.
                if (lastTable is null || !multipliers.AsSpan().SequenceEqual(lastMultipliers))
                {
                    var tables = new Dictionary<double[], double[]>(ReferenceEqualityComparer.Instance);
                    lastTable = exitShares.Select(row =>
                    {
                        if (!tables.TryGetValue(row, out var cum))
                            tables[row] = cum = Cumulate(Normalise(row.Select((x, o) => x * multipliers[o]).ToArray()));
                        return cum;
                    }).ToArray();
                    lastMultipliers = multipliers;
                }
                DestinationCum[at] = lastTable;
            }
        }

        // Baseline transitions outside insatser; the counterfactual never sees structural effects.
        var nS = ix.Incomes.Length;
        var baseP = new double[nS * nS];
        foreach (var t in s.Baseline)
            baseP[ix.IncomeIndex(t.From) * nS + ix.IncomeIndex(t.To)] = Draw(t.Monthly);
        Counterfactual = new BaselineTable(baseP, nS);
        var baselineEffects = effects.Where(e => e.Effect.Transition is not null).ToList();
        Factual = new BaselineTable[Months];
        for (var m = 0; m < Months; m++)
        {
            if (baselineEffects.Count == 0 || baselineEffects.All(e => Strength(e, m) == 0)) { Factual[m] = Counterfactual; continue; }
            var p = (double[])baseP.Clone();
            foreach (var e in baselineEffects)
            {
                var at = ix.IncomeIndex(e.Effect.TransitionFrom!) * nS + ix.IncomeIndex(e.Effect.TransitionTo!);
                p[at] *= 1 + (e.TransitionMultiplier - 1) * Strength(e, m);
            }
            Factual[m] = new BaselineTable(p, nS);
        }
    }

    /// <summary>Draws an uncertain number from its own stream, named by its field path.</summary>
    public double Draw(Param p) => p.Dist.IsFixed ? p.Dist.Mean : p.Dist.Draw(new StreamRandom(Rng.Combine(Seed, p.Key)));

    public double[] DrawMix(Mix mix) => mix.Draw(new StreamRandom(Rng.Combine(Seed, mix.Key)));

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

    private sealed class DrawnEffect
    {
        public Effect Effect { get; }
        public int Structural { get; }
        public int Insats { get; }
        public double? Capacity { get; }
        public double? Duration { get; }
        public double? Dropout { get; }
        public double? GiveUp { get; }
        public double? Referrals { get; }
        public (int Occupation, double Multiplier)[] Exits { get; }
        public double TransitionMultiplier { get; }

        public DrawnEffect(Effect e, int structural, ReplicateModel m)
        {
            Effect = e;
            Structural = structural;
            Insats = e.Insats is null ? -1 : m.Ix.InsatsIndex(e.Insats);
            double? D(Param? p) => p is null ? null : m.Draw(p);
            Capacity = D(e.Capacity);
            Duration = D(e.Duration);
            Dropout = D(e.Dropout);
            GiveUp = D(e.GiveUp);
            Referrals = D(e.Referrals);
            Exits = e.Exits.Select(kv => (m.Ix.OccupationIndex(kv.Key), m.Draw(kv.Value))).ToArray();
            TransitionMultiplier = e.Transition is null ? 1 : m.Draw(e.Transition);
        }
    }

    /// <summary>A duration distribution with its uncertain parameters drawn, turned into monthly exit hazards.</summary>
    private sealed class DurationDraw(DurationSpec spec, ReplicateModel m)
    {
        private readonly double _mean = spec.Mean is null ? 0 : m.Draw(spec.Mean);
        private readonly double _sd = spec.Sd is null ? 0 : m.Draw(spec.Sd);

        /// <summary>
        /// hazard[d] = P(leave after month d | still in at month d), d ≥ 1 months completed.
        /// Continuous distributions are rounded to whole months (at least one), so the stated mean is kept.
        /// A multiplier below 1 (a structural effect) shortens every stay proportionally.
        /// </summary>
        public double[] Hazards(double multiplier, int length)
        {
            var h = new double[length];
            switch (spec.Kind)
            {
                case DurationKind.Geometric:
                    Array.Fill(h, 1 / Math.Max(1, _mean * multiplier));
                    break;
                case DurationKind.Fixed or DurationKind.Uniform:
                    var lo = Math.Max(1, (int)Math.Round(spec.Min * multiplier));
                    var hi = Math.Max(lo, (int)Math.Round(spec.Max * multiplier));
                    for (var d = 1; d < length; d++)
                        h[d] = d < lo ? 0 : d >= hi ? 1 : 1.0 / (hi - d + 1);
                    break;
                default:
                    var mean = _mean * multiplier;
                    var sd = _sd * multiplier;
                    Func<double, double> cdf;
                    if (spec.Kind == DurationKind.Gamma)
                    {
                        var shape = mean * mean / (sd * sd);
                        var rate = mean / (sd * sd);
                        cdf = x => Gamma.CDF(shape, rate, x);
                    }
                    else
                    {
                        var sigma2 = Math.Log(1 + sd * sd / (mean * mean));
                        var mu = Math.Log(mean) - sigma2 / 2;
                        var sigma = Math.Sqrt(sigma2);
                        cdf = x => LogNormal.CDF(mu, sigma, x);
                    }
                    for (var d = 1; d < length; d++)
                    {
                        var survive = d == 1 ? 1 : 1 - cdf(d - 0.5);
                        var leave = cdf(d + 0.5) - (d == 1 ? 0 : cdf(d - 0.5));
                        h[d] = survive <= 1e-12 ? 1 : Math.Clamp(leave / survive, 0, 1);
                    }
                    break;
            }
            h[0] = h[1];
            return h;
        }
    }
}

/// <summary>Monthly transitions between income states as cumulative thresholds, with a fast path for staying.</summary>
public sealed class BaselineTable
{
    private readonly double[] _stay;    // [from] probability of any move
    private readonly double[][] _cum;   // [from][k]
    private readonly int[][] _to;       // [from][k]

    public BaselineTable(double[] p, int n)
    {
        _stay = new double[n];
        _cum = new double[n][];
        _to = new int[n][];
        for (var s = 0; s < n; s++)
        {
            var row = Enumerable.Range(0, n).Where(t => t != s && p[s * n + t] > 0).ToArray();
            var probs = row.Select(t => p[s * n + t]).ToArray();
            var total = probs.Sum();
            // Effects can push a row past 1; scale it back so the moves stay a distribution.
            if (total > 1) { probs = probs.Select(x => x / total).ToArray(); total = 1; }
            _stay[s] = total;
            _to[s] = row;
            var acc = 0.0;
            _cum[s] = probs.Select(x => acc += x).ToArray();
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Step(int from, double u)
    {
        if (u >= _stay[from]) return from;
        var cum = _cum[from];
        for (var k = 0; k < cum.Length; k++) if (u < cum[k]) return _to[from][k];
        return _to[from][^1];
    }

    public double MoveProbability(int from) => _stay[from];
}
