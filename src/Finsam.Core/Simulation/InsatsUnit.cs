namespace Finsam.Core.Simulation;

/// <summary>
/// An individual insats: its places, its queue and its admissions. Decides alone, from entries
/// sorted by (month joined, participant id), so the order in which shards report never matters.
/// </summary>
public sealed class InsatsUnit(ReplicateModel model, int insats)
{
    // The waiting line is _queue[_head..]. Admissions advance _head; the monthly give-up pass
    // compacts in place, so a long queue is not copied (nor reallocated) every month.
    private readonly List<QueueEntry> _queue = [];
    private int _head;
    private int _occupancy;
    private readonly List<QueueEntry> _removed = [];   // refilled every month
    // After its last intake month an insats never admits again, so whoever waits is turned away.
    private readonly int _lastIntake = LastIntakeMonth(model, insats);

    public int Insats { get; } = insats;
    public int Occupancy => _occupancy;
    public int QueueLength => _queue.Count - _head;

    /// <summary>
    /// One month: frees the places of last month's leavers, lets waiting people give up, queues the
    /// new entries, and admits from the head of the queue up to free capacity. When intake has
    /// stopped, everyone still waiting is turned away.
    /// </summary>
    public AdmissionReport Admit(int month, int leftLastMonth, IEnumerable<QueueEntry> newEntries)
    {
        _occupancy -= leftLastMonth;
        if (_occupancy < 0) throw new InvalidOperationException($"insats {Insats}: more exits than participants");
        var giveUp = model.GiveUp[month, Insats];
        var open = model.IntakeOpen[month, Insats];
        var closedForGood = month > _lastIntake;

        var removed = _removed;
        removed.Clear();
        int gaveUp = 0, closed = 0;
        if (closedForGood || giveUp > 0)
        {
            var write = 0;
            for (var read = _head; read < _queue.Count; read++)
            {
                var e = _queue[read];
                if (closedForGood)
                {
                    removed.Add(e); closed++;
                    continue;
                }
                var stream = Rng.ParticipantStream(model.Seed, e.Id);
                if (Rng.Uniform(stream, (long)month * 4 + ParticipantShard.SlotGiveUp) < giveUp)
                {
                    removed.Add(e); gaveUp++;
                    continue;
                }
                _queue[write++] = e;
            }
            _queue.RemoveRange(write, _queue.Count - write);
            _head = 0;
        }
        else if (_head > 4096 && _head > _queue.Count / 2)
        {
            _queue.RemoveRange(0, _head);
            _head = 0;
        }

        // The new entries join in (month, id) order, sorted where they land; (month, id) is unique, so the order is too.
        var target = closedForGood ? removed : _queue;
        var from = target.Count;
        target.AddRange(newEntries);
        var added = target.Count - from;
        target.Sort(from, added, ByMonthThenId.Instance);
        if (closedForGood) closed += added;

        var capacity = model.Capacity[month, Insats];
        var admitCount = open ? Math.Clamp(capacity - _occupancy, 0, QueueLength) : 0;
        var admitted = admitCount == 0 ? [] : new QueueEntry[admitCount];
        _queue.CopyTo(_head, admitted, 0, admitCount);
        var waits = admitCount == 0 ? [] : new int[admitCount];
        for (var k = 0; k < admitCount; k++) waits[k] = month - admitted[k].Month;
        _head += admitCount;
        _occupancy += admitCount;
        return new AdmissionReport(admitted, waits, [.. removed], gaveUp, closed, capacity, _occupancy, QueueLength);
    }

    private sealed class ByMonthThenId : IComparer<QueueEntry>
    {
        public static readonly ByMonthThenId Instance = new();

        public int Compare(QueueEntry a, QueueEntry b) => a.Month != b.Month ? a.Month.CompareTo(b.Month) : a.Id.CompareTo(b.Id);
    }

    private static int LastIntakeMonth(ReplicateModel model, int insats)
    {
        for (var m = model.Months - 1; m >= 0; m--)
            if (model.IntakeOpen[m, insats]) return m == model.Months - 1 ? int.MaxValue : m;
        // Never open within the horizon: it has not started yet, so people keep waiting.
        return int.MaxValue;
    }
}
