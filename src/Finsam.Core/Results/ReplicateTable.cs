using System.Collections;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Finsam.Core.Results;

/// <summary>
/// Each replicate's figures (headline or socio-economic account, and optionally each party's money), stored as
/// fixed-width columns of doubles in replicate order: in memory up to <see cref="MemoryBudgetBytes"/>, beyond it
/// in a temporary file that is unlinked as soon as it is opened (nothing is left behind, whatever happens).
/// It reads as the list of <see cref="ReplicateFigures"/> it replaces, one row made at a time, so a run of
/// 100 000 replicates holds no object per replicate. NaN stands for a figure without a value (null).
/// </summary>
public sealed class ReplicateTable : IReadOnlyList<ReplicateFigures>
{
    /// <summary>Values kept in memory before the table goes to a file.</summary>
    public const long MemoryBudgetBytes = 16L << 20;
    /// <summary>Values per party: contribution, in kind, ersättning paid, counterfactual, net.</summary>
    public const int PartyFields = 5;
    private const int BlockRows = 1024;

    private readonly double[]? _memory;      // [column * Count + replicate]
    private readonly SafeFileHandle? _file;  // the same layout, 8 bytes a value

    /// <param name="keys">The figures, in the order they are listed.</param>
    /// <param name="parties">Party ids whose <see cref="PartyFields"/> values follow the figures, or none.</param>
    /// <param name="replicates">Rows: replicates 0 … n − 1.</param>
    public ReplicateTable(IReadOnlyList<string> keys, IReadOnlyList<string> parties, int replicates, long memoryBudgetBytes = MemoryBudgetBytes)
    {
        Keys = keys;
        Parties = parties;
        Count = replicates;
        Width = keys.Count + PartyFields * parties.Count;
        var bytes = 8L * Width * replicates;
        if (bytes <= memoryBudgetBytes) _memory = new double[Width * replicates];
        else _file = OpenScratch();
    }

    public IReadOnlyList<string> Keys { get; }
    public IReadOnlyList<string> Parties { get; }
    public int Count { get; }
    public int Width { get; }

    /// <summary>Whether the values are in a file (for tests).</summary>
    public bool OnDisk => _file is not null;

    /// <summary>The column of a figure (<see cref="Keys"/>) or of party p's field f (<c>Keys.Count + p * 5 + f</c>).</summary>
    public int PartyColumn(int party, int field) => Keys.Count + party * PartyFields + field;

    /// <summary>Sets a whole column, replicate 0 first.</summary>
    public void SetColumn(int column, ReadOnlySpan<double> values)
    {
        if (values.Length != Count) throw new ArgumentException($"a column has {Count} values, not {values.Length}", nameof(values));
        if (_memory is not null) values.CopyTo(_memory.AsSpan(column * Count, Count));
        else RandomAccess.Write(_file!, MemoryMarshal.AsBytes(values), 8L * column * Count);
    }

    /// <summary>Reads replicates <paramref name="from"/> … of a column into <paramref name="into"/>.</summary>
    public void ReadColumn(int column, Span<double> into, int from = 0)
    {
        if (from < 0 || from + into.Length > Count) throw new ArgumentOutOfRangeException(nameof(from));
        if (_memory is not null) _memory.AsSpan(column * Count + from, into.Length).CopyTo(into);
        else RandomAccess.Read(_file!, MemoryMarshal.AsBytes(into), 8L * ((long)column * Count + from));
    }

    /// <summary>A figure's values, replicate 0 first; null when the table has no such figure.</summary>
    public double[]? Column(string key)
    {
        for (var k = 0; k < Keys.Count; k++)
        {
            if (!string.Equals(Keys[k], key, StringComparison.Ordinal)) continue;
            var values = new double[Count];
            ReadColumn(k, values);
            return values;
        }
        return null;
    }

    /// <summary>
    /// Rows <paramref name="from"/> … <paramref name="from"/> + <paramref name="rows"/> − 1, column by column:
    /// <c>into[column * rows + r]</c>. Callers walk the table in blocks this way without making objects.
    /// </summary>
    public void ReadRows(int from, int rows, Span<double> into)
    {
        for (var c = 0; c < Width; c++) ReadColumn(c, into.Slice(c * rows, rows), from);
    }

    public ReplicateFigures this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            var block = new double[Width];
            ReadRows(index, 1, block);
            return Row(index, block, 1, 0);
        }
    }

    public IEnumerator<ReplicateFigures> GetEnumerator()
    {
        var block = new double[Width * Math.Min(BlockRows, Math.Max(Count, 1))];
        for (var from = 0; from < Count; from += BlockRows)
        {
            var rows = Math.Min(BlockRows, Count - from);
            ReadRows(from, rows, block);
            for (var r = 0; r < rows; r++) yield return Row(from + r, block, rows, r);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ReplicateFigures Row(int replicate, double[] block, int rows, int r)
    {
        var figures = new Dictionary<string, double?>(Keys.Count, StringComparer.Ordinal);
        for (var k = 0; k < Keys.Count; k++) figures[Keys[k]] = block[k * rows + r] is var v && double.IsNaN(v) ? null : v;
        if (Parties.Count == 0) return new ReplicateFigures(replicate, figures);
        var parties = new List<PartyFigures>(Parties.Count);
        for (var p = 0; p < Parties.Count; p++)
        {
            double F(int f) => block[PartyColumn(p, f) * rows + r];
            parties.Add(new PartyFigures(Parties[p], F(0), F(1), F(2), F(3), F(4)));
        }
        return new ReplicateFigures(replicate, figures, parties);
    }

    /// <summary>A scratch file nobody else can see: unlinked at once where the system allows, else deleted when closed.</summary>
    private static SafeFileHandle OpenScratch()
    {
        var path = Path.Combine(Path.GetTempPath(), $"finsam-replicates-{Guid.NewGuid():N}.bin");
        var windows = OperatingSystem.IsWindows();
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            windows ? FileOptions.DeleteOnClose : FileOptions.None);
        if (!windows) File.Delete(path);
        return handle;
    }
}

/// <summary>
/// The per-replicate CSV files written straight from a <see cref="ReplicateTable"/>, a block of rows at a time, numbers
/// formatted into a reused buffer: no object per replicate or per number (at 100 000 replicates the files have millions
/// of numbers). The text is the same as <see cref="CsvWriter"/> gives for the same rows.
/// </summary>
public static class ReplicateCsv
{
    /// <summary>One line per replicate: its number, then <paramref name="columns"/> of the table (empty where NaN or infinite).</summary>
    public static void Figures(TextWriter w, ReplicateTable t, IReadOnlyList<string> header, int[] columns) =>
        Write(w, t, header, (block, rows, r, line) =>
        {
            foreach (var c in columns) { line.Comma(); line.Number(block[c * rows + r]); }
            line.End();
        });

    /// <summary>One line per replicate and party: replicate, party, then the party's five figures.</summary>
    public static void Parties(TextWriter w, ReplicateTable t, IReadOnlyList<string> header)
    {
        var ids = t.Parties.Select(CsvWriter.Field).ToArray();
        Write(w, t, header, (block, rows, r, line) =>
        {
            for (var p = 0; p < ids.Length; p++)
            {
                if (p > 0) line.Replicate();
                line.Comma();
                line.Text(ids[p]);
                for (var f = 0; f < ReplicateTable.PartyFields; f++) { line.Comma(); line.Number(block[t.PartyColumn(p, f) * rows + r]); }
                line.End();
            }
        }, startsWithReplicate: ids.Length > 0);
    }

    private delegate void RowWriter(double[] block, int rows, int r, Line line);

    private static void Write(TextWriter w, ReplicateTable t, IReadOnlyList<string> header, RowWriter row, bool startsWithReplicate = true)
    {
        CsvWriter.WriteRow(w, header);
        const int blockRows = 1024;
        var block = new double[t.Width * Math.Min(blockRows, Math.Max(t.Count, 1))];
        var line = new Line(w);
        for (var from = 0; from < t.Count; from += blockRows)
        {
            var rows = Math.Min(blockRows, t.Count - from);
            t.ReadRows(from, rows, block);
            for (var r = 0; r < rows; r++)
            {
                line.At = from + r;
                if (startsWithReplicate) line.Replicate();
                row(block, rows, r, line);
            }
        }
    }

    private sealed class Line(TextWriter w)
    {
        private readonly char[] _buffer = new char[64];
        public int At;

        public void Replicate()
        {
            At.TryFormat(_buffer, out var n, default, System.Globalization.CultureInfo.InvariantCulture);
            w.Write(_buffer, 0, n);
        }

        public void Comma() => w.Write(',');
        public void Text(string s) => w.Write(s);
        public void End() => w.Write('\n');

        /// <summary>As <see cref="CsvWriter.Number"/>: round-trip invariant form, empty when not finite.</summary>
        public void Number(double v)
        {
            if (!double.IsFinite(v)) return;
            v.TryFormat(_buffer, out var n, "R", System.Globalization.CultureInfo.InvariantCulture);
            w.Write(_buffer, 0, n);
        }
    }
}
