using System.Runtime.CompilerServices;

namespace Finsam.Core.Results;

// The typed views of the engine's flat arrays. Each layout (which index runs fastest) is written
// here once; everyone else indexes by name, so a wrong stride cannot creep in elsewhere. A view
// checks its array's length when made, so a view of the wrong shape fails at once instead of
// reading another figure's numbers. The indexers are inlined: the engine's loops use them too.

/// <summary>
/// A month-first flat array, <c>[month, k]</c>: a figure per month and insats (or income state,
/// party, payer, line, referral flow).
/// </summary>
public readonly struct MonthGrid<T>
{
    private readonly T[] _data;
    private readonly int _width;

    public MonthGrid(T[] data, int months, int width)
    {
        if (data.Length != months * width)
            throw new ArgumentException($"a [month, k] view of {months} × {width} needs {months * width} values, not {data.Length}", nameof(data));
        _data = data;
        Months = months;
        _width = width;
    }

    /// <summary>A new grid of zeros.</summary>
    public MonthGrid(int months, int width) : this(new T[months * width], months, width) { }

    public int Months { get; }
    public int Width => _width;
    public T[] Data => _data;

    public ref T this[int month, int k]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _data[month * _width + k];
    }

    /// <summary>One month's values, for every k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Month(int month) => _data.AsSpan(month * _width, _width);
}

/// <summary>A month-first <c>[month, k, c]</c> flat array (exits by occupation, starts by income …).</summary>
public readonly struct MonthCube<T>
{
    private readonly T[] _data;
    private readonly int _width, _depth;

    public MonthCube(T[] data, int months, int width, int depth)
    {
        if (data.Length != months * width * depth)
            throw new ArgumentException($"a [month, k, c] view of {months} × {width} × {depth} needs {months * width * depth} values, not {data.Length}", nameof(data));
        _data = data;
        Months = months;
        _width = width;
        _depth = depth;
    }

    public int Months { get; }
    public int Width => _width;
    public int Depth => _depth;
    public T[] Data => _data;

    public ref T this[int month, int k, int c]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _data[(month * _width + k) * _depth + c];
    }

    /// <summary>One month's values, laid out as a <see cref="Table{T}"/> of [k, c].</summary>
    public Span<T> Month(int month) => _data.AsSpan(month * _width * _depth, _width * _depth);

    /// <summary>The categories of one month and k.</summary>
    public Span<T> Cell(int month, int k) => _data.AsSpan((month * _width + k) * _depth, _depth);
}

/// <summary>
/// A month-first start-by-exit table per insats, <c>[month, k, from, to]</c> (income or occupation at
/// admission against the same after exit).
/// </summary>
public readonly struct MonthCrossTable<T>
{
    private readonly T[] _data;
    private readonly int _width, _side;

    public MonthCrossTable(T[] data, int months, int width, int side)
    {
        if (data.Length != months * width * side * side)
            throw new ArgumentException($"a [month, k, from, to] view of {months} × {width} × {side}² needs {months * width * side * side} values, not {data.Length}", nameof(data));
        _data = data;
        Months = months;
        _width = width;
        _side = side;
    }

    public int Months { get; }
    public int Width => _width;
    public int Side => _side;

    public ref T this[int month, int k, int from, int to] => ref _data[((month * _width + k) * _side + from) * _side + to];

    /// <summary>One month's values, laid out as a <see cref="Cube{T}"/> of [k, from, to].</summary>
    public Span<T> Month(int month) => _data.AsSpan(month * _width * _side * _side, _width * _side * _side);
}

/// <summary>A <c>[row, column]</c> flat array whose rows are not months (a wait histogram per insats, a shard's month per insats).</summary>
public readonly struct Table<T>
{
    private readonly T[] _data;
    private readonly int _columns;

    public Table(T[] data, int rows, int columns)
    {
        if (data.Length != rows * columns)
            throw new ArgumentException($"a [row, column] view of {rows} × {columns} needs {rows * columns} values, not {data.Length}", nameof(data));
        _data = data;
        Rows = rows;
        _columns = columns;
    }

    /// <summary>A new table of zeros.</summary>
    public Table(int rows, int columns) : this(new T[rows * columns], rows, columns) { }

    public int Rows { get; }
    public int Columns => _columns;
    public T[] Data => _data;

    public ref T this[int row, int column]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _data[row * _columns + column];
    }

    public Span<T> Row(int row) => _data.AsSpan(row * _columns, _columns);

    /// <summary>A copy with its own array.</summary>
    public Table<T> Clone() => new((T[])_data.Clone(), Rows, _columns);
}

/// <summary>A <c>[k, a, b]</c> flat array whose first index is not a month (a shard's start-by-exit counts per insats).</summary>
public readonly struct Cube<T>
{
    private readonly T[] _data;
    private readonly int _width, _depth;

    public Cube(T[] data, int rows, int width, int depth)
    {
        if (data.Length != rows * width * depth)
            throw new ArgumentException($"a [k, a, b] view of {rows} × {width} × {depth} needs {rows * width * depth} values, not {data.Length}", nameof(data));
        _data = data;
        Rows = rows;
        _width = width;
        _depth = depth;
    }

    /// <summary>A new cube of zeros.</summary>
    public Cube(int rows, int width, int depth) : this(new T[rows * width * depth], rows, width, depth) { }

    public int Rows { get; }
    public int Width => _width;
    public int Depth => _depth;
    public T[] Data => _data;

    public ref T this[int k, int a, int b]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _data[(k * _width + a) * _depth + b];
    }
}
