namespace Finsam.Core.Results;

/// <summary>
/// A typed view of a month-first flat array: <c>[month, k]</c> for a figure per month and insats (or
/// income state, party, payer, line). The layout lives here and nowhere else.
/// </summary>
public readonly struct MonthGrid<T>(T[] data, int months, int width) where T : struct
{
    public int Months => months;
    public int Width => width;
    public T[] Data => data;

    public ref T this[int month, int k] => ref data[month * width + k];

    /// <summary>One month's values, for every k.</summary>
    public Span<T> Month(int month) => data.AsSpan(month * width, width);
}

/// <summary>A typed view of a <c>[month, insats, category]</c> flat array (exits by occupation, starts by income …).</summary>
public readonly struct MonthCube<T>(T[] data, int months, int width, int depth) where T : struct
{
    public int Months => months;
    public int Width => width;
    public int Depth => depth;
    public T[] Data => data;

    public ref T this[int month, int k, int c] => ref data[(month * width + k) * depth + c];

    /// <summary>One month's values, [k, c] flattened.</summary>
    public Span<T> Month(int month) => data.AsSpan(month * width * depth, width * depth);
}

/// <summary>A typed view of a <c>[row, column]</c> flat array whose rows are not months (a wait histogram per insats).</summary>
public readonly struct Table<T>(T[] data, int rows, int columns) where T : struct
{
    public int Rows => rows;
    public int Columns => columns;
    public ref T this[int row, int column] => ref data[row * columns + column];
    public Span<T> Row(int row) => data.AsSpan(row * columns, columns);
}
