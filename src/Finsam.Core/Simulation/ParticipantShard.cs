using Finsam.Core.Results;

namespace Finsam.Core.Simulation;

/// <summary>
/// A block of participants simulated as arrays (one entry per person, no objects per person).
/// Holds each person's factual state and the state of their counterfactual twin, who was referred
/// the same month but never met the förbund's insatser. All randomness comes from the person's own
/// stream, so which shard a person lives in never changes what happens to them.
/// </summary>
public sealed class ParticipantShard
{
    // Draw slots within a person-month.
    private const int SlotProgress = 0, SlotDestination = 1, SlotBaseline = 2;
    internal const int SlotGiveUp = 3;
    private const int SlotsPerMonth = 4;
    private const long CreationCounter = -1_000;

    private const short Outside = -1;
    private const byte FlagServed = 1, FlagWorkOrStudies = 2;

    private readonly ReplicateModel _model;
    private readonly int _shard;
    private readonly int _shardCount;
    private int _count;
    private ulong[] _stream = [];
    private byte[] _income = [], _cfIncome = [], _occupation = [];
    private byte[] _startOccupation = [];   // occupation at the last admission: picks the exit destination row
    private byte[] _startIncome = [];       // income state at the last admission: the row of the start-by-exit table
    private byte[] _group = [], _party = [], _age = [], _gender = [], _flags = [];
    private short[] _location = [];   // -1 outside, i ≥ 0 enrolled in insats i, -(k+2) waiting for insats k
    private short[] _monthsIn = [];
    private short[] _referred = [];
    private readonly List<(int Id, int Insats)> _chained = [];
    // Refilled every month: the coordinator reads a month's report and requests before the next.
    private readonly ProgressReport _report;
    private readonly List<QueueEntry>[] _requests;

    public ParticipantShard(ReplicateModel model, int shard, int shardCount)
    {
        if (model.Ix.Incomes.Length > 255 || model.Ix.Occupations.Length > 255 || model.InsatsCount > short.MaxValue - 2)
            throw new ArgumentException("too many income states, occupations or insatser for the shard's compact arrays");
        _model = model;
        _shard = shard;
        _shardCount = shardCount;
        var ix = model.Ix;
        int nI = model.InsatsCount, nS = ix.Incomes.Length, nO = ix.Occupations.Length;
        _report = new ProgressReport
        {
            Exits = new int[nI], Planned = new int[nI], Dropouts = new int[nI], Chained = new int[nI],
            ExitOccupation = new Table<int>(nI, nO).Data, StartIncome = new Table<int>(nI, nS).Data, StartOccupation = new Table<int>(nI, nO).Data,
            Detail = new ExitCounts(model.Records, nI, nS, nO), Income = new int[nS], CounterfactualIncome = new int[nS],
            Occupation = new int[nO], ServedByGender = new int[ix.Genders.Length],
        };
        _requests = new List<QueueEntry>[nI];
        for (var i = 0; i < nI; i++) _requests[i] = [];
    }

    public int Count => _count;

    private int IdOf(int local) => local * _shardCount + _shard;
    private int LocalOf(int id) => id / _shardCount;

    /// <summary>
    /// Phase 1 of a month: creates the newly referred participants (profiles drawn from their target
    /// group), checks them against the insats's eligibility, and hands over the queue entries —
    /// theirs and those of people chained out of an insats last month.
    /// </summary>
    public IntakeReport Intake(int month, ReadOnlySpan<Referral> referrals)
    {
        var ix = _model.Ix;
        var nI = _model.InsatsCount;
        var requests = _requests;
        foreach (var l in requests) l.Clear();
        var ineligible = new int[nI];
        EnsureCapacity(_count + referrals.Length);
        foreach (var r in referrals)
        {
            var j = LocalOf(r.Id);
            if (j != _count || r.Id % _shardCount != _shard)
                throw new InvalidOperationException($"referral {r.Id} does not belong next in shard {_shard}");
            var stream = Rng.ParticipantStream(_model.Seed, r.Id);
            var g = ix.FlowGroup[r.Flow];
            var profile = _model.Profiles[g];
            _stream[j] = stream;
            _income[j] = _cfIncome[j] = (byte)ReplicateModel.Pick(profile.IncomeCum, Rng.Uniform(stream, CreationCounter));
            _occupation[j] = (byte)ReplicateModel.Pick(profile.OccupationCum, Rng.Uniform(stream, CreationCounter - 1));
            _age[j] = (byte)profile.AgeIndex[ReplicateModel.Pick(profile.AgeCum, Rng.Uniform(stream, CreationCounter - 2))];
            _gender[j] = (byte)profile.GenderIndex[ReplicateModel.Pick(profile.GenderCum, Rng.Uniform(stream, CreationCounter - 3))];
            _group[j] = (byte)g;
            _party[j] = (byte)ix.FlowParty[r.Flow];
            _referred[j] = (short)month;
            _flags[j] = 0;
            _monthsIn[j] = 0;
            _count++;

            var target = ix.FlowInsats[r.Flow];
            if (Eligible(j, target))
            {
                _location[j] = (short)-(target + 2);
                requests[target].Add(new QueueEntry(r.Id, _shard, month));
            }
            else
            {
                _location[j] = Outside;
                ineligible[target]++;
            }
        }
        foreach (var (id, k) in _chained)
            requests[k].Add(new QueueEntry(id, _shard, month));
        _chained.Clear();
        var arrays = new QueueEntry[nI][];
        for (var i = 0; i < nI; i++) arrays[i] = requests[i].ToArray();
        return new IntakeReport(arrays, ineligible);
    }

    /// <summary>Progress of a month, then the intake of the next month's referrals (if any).</summary>
    public ShardMonth Step(int month, ShardDecisions decisions, Referral[]? nextReferrals) =>
        new(Progress(month, decisions), nextReferrals is null ? null : Intake(month + 1, nextReferrals));

    private bool Eligible(int j, int insats) =>
        (_model.EligibleGroup[insats]?[_group[j]] ?? true)
        && (_model.EligibleParty[insats]?[_party[j]] ?? true)
        && (_model.EligibleIncome[insats]?[_income[j]] ?? true)
        && (_model.EligibleAge[insats]?[_age[j]] ?? true);

    /// <summary>
    /// Phase 2 of a month: applies the insatser's admissions and removals, then moves every person one
    /// month: enrolled people may finish (to a destination or a chained insats) or drop out; everyone
    /// else follows the baseline transitions; each twin follows the baseline untouched.
    /// </summary>
    public ProgressReport Progress(int month, ShardDecisions decisions)
    {
        var ix = _model.Ix;
        int nI = _model.InsatsCount, nS = ix.Incomes.Length, nO = ix.Occupations.Length;
        var report = _report;
        report.Clear();
        var exits = report.Exits;
        var planned = report.Planned;
        var dropouts = report.Dropouts;
        var chained = report.Chained;
        var exitOcc = new Table<int>(report.ExitOccupation, nI, nO);
        var startIncome = new Table<int>(report.StartIncome, nI, nS);
        var startOcc = new Table<int>(report.StartOccupation, nI, nO);
        var income = report.Income;
        var cfIncome = report.CounterfactualIncome;
        var occupation = report.Occupation;
        var servedByGender = report.ServedByGender;
        var detail = report.Detail;
        int workOrStudies = 0, due12 = 0, ss12 = 0, cfss12 = 0;

        foreach (var r in decisions.Removed)
            _location[LocalOf(r.Id)] = Outside;
        foreach (var a in decisions.Admitted)
        {
            var j = LocalOf(a.Id);
            _location[j] = (short)a.Insats;
            _monthsIn[j] = 0;
            startIncome[a.Insats, _income[j]]++;
            startOcc[a.Insats, _occupation[j]]++;
            _startOccupation[j] = _occupation[j];
            _startIncome[j] = _income[j];
            if ((_flags[j] & FlagServed) == 0)
            {
                _flags[j] |= FlagServed;
                servedByGender[_gender[j]]++;
            }
        }

        var factual = _model.Factual[month];
        var counterfactual = _model.Counterfactual;
        // This month's row of each [month, insats] table, indexed by insats in the loop.
        var hazards = _model.Hazard.Month(month);
        var dropoutP = _model.Dropout.Month(month);
        var destinations = _model.DestinationCum.Month(month);
        var counterBase = (long)month * SlotsPerMonth;
        var selfSufficient = ix.SelfSufficient;
        var occIncome = ix.OccupationIncome;
        var incomeOcc = ix.IncomeOccupation;

        for (var j = 0; j < _count; j++)
        {
            var stream = _stream[j];
            int inc = _income[j], occ = _occupation[j];
            var loc = _location[j];
            var uBase = Rng.Uniform(stream, counterBase + SlotBaseline);
            if (loc >= 0)
            {
                var i = loc;
                var d = ++_monthsIn[j];
                var hz = hazards[i];
                var h = hz[Math.Min(d, hz.Length - 1)];
                var forced = month == _model.StopMonth[i];
                var u = Rng.Uniform(stream, counterBase + SlotProgress);
                if (forced || u < h)
                {
                    exits[i]++;
                    var u2 = Rng.Uniform(stream, counterBase + SlotDestination);
                    var chainTotal = _model.ChainTotal[i];
                    if (!forced && u2 < chainTotal)
                    {
                        var k = _model.ChainTo[i][ReplicateModel.Pick(_model.ChainCum[i], u2)];
                        chained[i]++;
                        _location[j] = (short)-(k + 2);
                        _chained.Add((IdOf(j), k));
                    }
                    else
                    {
                        var v = chainTotal > 0 && !forced ? (u2 - chainTotal) / (1 - chainTotal) : u2;
                        occ = ReplicateModel.Pick(destinations[i][_startOccupation[j]], v);
                        if (occIncome[occ] >= 0) inc = occIncome[occ];
                        planned[i]++;
                        exitOcc[i, occ]++;
                        detail.Exit(i, _startIncome[j], inc, _startOccupation[j], occ, d);
                        _location[j] = Outside;
                        if (ix.OccupationOutcome[occ] != Scenarios.Outcome.None && (_flags[j] & FlagWorkOrStudies) == 0)
                        {
                            _flags[j] |= FlagWorkOrStudies;
                            workOrStudies++;
                        }
                    }
                }
                else if (u < h + (1 - h) * dropoutP[i])
                {
                    exits[i]++;
                    dropouts[i]++;
                    if (_model.DropoutTo[i] >= 0)
                    {
                        occ = _model.DropoutTo[i];
                        if (occIncome[occ] >= 0) inc = occIncome[occ];
                    }
                    exitOcc[i, occ]++;
                    detail.Exit(i, _startIncome[j], inc, _startOccupation[j], occ, d);
                    _location[j] = Outside;
                }
            }
            else
            {
                var next = factual.Step(inc, uBase);
                if (next != inc)
                {
                    inc = next;
                    if (incomeOcc[inc] >= 0) occ = incomeOcc[inc];
                }
            }
            // The twin shares the person's baseline draw, so the comparison is paired.
            var cf = counterfactual.Step(_cfIncome[j], uBase);
            _cfIncome[j] = (byte)cf;
            _income[j] = (byte)inc;
            _occupation[j] = (byte)occ;
            income[inc]++;
            cfIncome[cf]++;
            occupation[occ]++;
            if (month - _referred[j] == 12)
            {
                due12++;
                if (selfSufficient[inc]) ss12++;
                if (selfSufficient[cf]) cfss12++;
            }
        }

        report.WorkOrStudies = workOrStudies;
        report.Due12 = due12;
        report.SelfSufficient12 = ss12;
        report.CounterfactualSelfSufficient12 = cfss12;
        report.ParticipantMonths = _count;
        return report;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _stream.Length) return;
        var size = Math.Max(needed, Math.Max(256, _stream.Length * 2));
        Array.Resize(ref _stream, size);
        Array.Resize(ref _income, size);
        Array.Resize(ref _cfIncome, size);
        Array.Resize(ref _occupation, size);
        Array.Resize(ref _startOccupation, size);
        Array.Resize(ref _startIncome, size);
        Array.Resize(ref _group, size);
        Array.Resize(ref _party, size);
        Array.Resize(ref _age, size);
        Array.Resize(ref _gender, size);
        Array.Resize(ref _flags, size);
        Array.Resize(ref _location, size);
        Array.Resize(ref _monthsIn, size);
        Array.Resize(ref _referred, size);
    }
}
