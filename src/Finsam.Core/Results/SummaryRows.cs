namespace Finsam.Core.Results;

/// <summary>
/// The summary rows of a run's replicates, added in any order, at most once per replicate. Up to a
/// memory budget they stay in memory; beyond it, blocks of rows are written to a temporary file
/// column by column. Quantiles are then computed exactly, one block of columns at a time, so a run's
/// memory stays flat however many replicates it has, and its numbers are those of a sort of all values.
/// Columns are handed out in replicate order, whatever order the rows came in, so any sum over them is
/// the same to the bit on every run. Per row only the replicate number (4 bytes) stays in memory.
/// </summary>
public sealed class SummaryRows : IDisposable
{
    private readonly int _width;
    private readonly int _chunkRows;
    private readonly long _memoryBudget;
    private readonly List<Chunk> _chunks = [];
    private readonly HashSet<int> _seen = [];
    private readonly List<int> _replicates = [];   // in the order the rows were added
    private double[] _open;
    private int _openRows;
    private FileStream? _spill;

    /// <summary>
    /// Rows kept in memory before spilling: 32 MiB (RAR keeps about 1 000 replicates' rows in memory), and half
    /// that for the columns read back at once; a run's summary holds at most 48 MiB of values, whatever its replicate count.
    /// </summary>
    public const long DefaultBudgetBytes = 32L << 20;

    /// <summary>A block of rows: in memory row by row, or in the spill file column by column.</summary>
    private sealed record Chunk(int Rows, double[]? Data, long Offset);

    /// <param name="width">Values per row.</param>
    /// <param name="memoryBudgetBytes">Rows kept in memory before spilling, and the size of a column block when reading.</param>
    public SummaryRows(int width, long memoryBudgetBytes = DefaultBudgetBytes)
    {
        _width = Math.Max(1, width);
        _memoryBudget = Math.Max(memoryBudgetBytes, 1L << 20);
        _chunkRows = (int)Math.Clamp((4L << 20) / (8L * _width), 16, 4096);
        _open = new double[_chunkRows * _width];
    }

    public int Count { get; private set; }

    public int Width => _width;

    /// <summary>Whether rows went to disk (for tests and diagnostics).</summary>
    public bool Spilled => _spill is not null;

    /// <summary>Adds replicate <paramref name="replicate"/>'s row; false (and nothing added) if it was already added.</summary>
    public bool Add(int replicate, ReadOnlySpan<double> row)
    {
        if (row.Length != _width) throw new ArgumentException($"a row has {_width} values, not {row.Length}", nameof(row));
        if (!_seen.Add(replicate)) return false;
        _replicates.Add(replicate);
        row.CopyTo(_open.AsSpan(_openRows * _width, _width));
        _openRows++;
        Count++;
        if (_openRows == _chunkRows) Close();
        return true;
    }

    private void Close()
    {
        if (_openRows == 0) return;
        long inMemory = 0;
        foreach (var c in _chunks) if (c.Data is not null) inMemory += (long)c.Rows * _width * 8;
        if (inMemory + (long)_openRows * _width * 8 <= _memoryBudget)
        {
            _chunks.Add(new Chunk(_openRows, _open.AsSpan(0, _openRows * _width).ToArray(), 0));
        }
        else
        {
            // Column by column, so a block of columns is one read per chunk.
            _spill ??= new FileStream(Path.Combine(Path.GetTempPath(), $"finsam-rows-{Guid.NewGuid():N}.bin"), FileMode.CreateNew,
                FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            var offset = _spill.Seek(0, SeekOrigin.End);
            var column = new double[_openRows];
            for (var c = 0; c < _width; c++)
            {
                for (var r = 0; r < _openRows; r++) column[r] = _open[r * _width + c];
                _spill.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(column.AsSpan()));
            }
            _chunks.Add(new Chunk(_openRows, null, offset));
        }
        _openRows = 0;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> once per column, in column order, with every row's value of it in
    /// ascending replicate order (a buffer reused between calls: copy what you keep; it may be overwritten).
    /// </summary>
    public void ForEachColumn(Action<int, double[]> visit)
    {
        Close();
        if (Count == 0) return;
        // Where each stored row goes in replicate order.
        var ids = _replicates.ToArray();
        var order = new int[Count];
        for (var k = 0; k < order.Length; k++) order[k] = k;
        Array.Sort(ids, order);
        var inOrder = new double[Count];
        // Columns read back at once: half the rows' budget, so a build holds at most 1.5 × the budget of values.
        var block = (int)Math.Clamp(_memoryBudget / 2 / (8L * Count), 1, _width);
        var columns = new double[block][];
        for (var k = 0; k < block; k++) columns[k] = new double[Count];
        var buffer = Array.Empty<double>();
        for (var from = 0; from < _width; from += block)
        {
            var n = Math.Min(block, _width - from);
            var at = 0;
            foreach (var chunk in _chunks)
            {
                if (chunk.Data is { } data)
                {
                    for (var r = 0; r < chunk.Rows; r++)
                        for (var k = 0; k < n; k++) columns[k][at + r] = data[r * _width + from + k];
                }
                else
                {
                    if (buffer.Length < n * chunk.Rows) buffer = new double[n * chunk.Rows];
                    _spill!.Seek(chunk.Offset + 8L * from * chunk.Rows, SeekOrigin.Begin);
                    _spill.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan(0, n * chunk.Rows)));
                    for (var k = 0; k < n; k++) Array.Copy(buffer, k * chunk.Rows, columns[k], at, chunk.Rows);
                }
                at += chunk.Rows;
            }
            for (var k = 0; k < n; k++)
            {
                var column = columns[k];
                for (var j = 0; j < inOrder.Length; j++) inOrder[j] = column[order[j]];
                visit(from + k, inOrder);
            }
        }
    }

    public void Dispose() => _spill?.Dispose();
}
