using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Finsam.Cluster.Tests;

/// <summary>
/// Keeps the warnings and errors that Finsam's grains log in test silos, so a failing test can show
/// what the silos saw (xunit does not capture their console).
/// </summary>
public sealed class SiloLog : ILoggerProvider
{
    private static readonly ConcurrentQueue<string> Lines = new();

    public static void Clear() => Lines.Clear();

    /// <summary>Everything kept so far, one entry per log call, with its exception.</summary>
    public static string Dump() => string.Join(Environment.NewLine, Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose() { }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && category.StartsWith("Finsam", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            Lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}"
                + (exception is null ? "" : $"{Environment.NewLine}  {exception.GetType().Name}: {exception.Message}"));
        }
    }
}
