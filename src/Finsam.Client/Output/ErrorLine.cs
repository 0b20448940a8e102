using System.Text.RegularExpressions;
using Finsam.Core.Loading;
using Spectre.Console;

namespace Finsam.Client.Output;

/// <summary>The exit codes of every command (README, "Exit codes").</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The work could not be done: a run failed, the cluster or database could not be reached.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a scenario, option, file or output folder that cannot be used. Nothing was run or written.</summary>
    public const int BadInput = 2;

    /// <summary>Cancelled with Ctrl+C; nothing was written.</summary>
    public const int Cancelled = 130;
}

/// <summary>Something the user gave that cannot be used (an option, a path); reported as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Prints a failure as one line, with identity numbers masked like every other output.</summary>
public static class ErrorLine
{
    public static void Write(IAnsiConsole console, string message) =>
        console.MarkupLineInterpolated($"[red]error[/]: {Diagnostic.Printable(PersonnummerGuard.MaskAll(message))}");

    /// <summary>One line for an unexpected failure: its message, and the innermost cause when that says more.</summary>
    public static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null && inner is AggregateException or System.Reflection.TargetInvocationException) inner = inner.InnerException;
        var message = inner.Message.ReplaceLineEndings(" ");
        return inner switch
        {
            Commands.DatabaseUnreachableException => message,
            Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException => $"the database or cluster could not be reached: {message}",
            IOException or UnauthorizedAccessException => $"a file could not be read or written: {message}",
            _ => message,
        };
    }
}

/// <summary>System.CommandLine's messages, with .NET type names replaced by what the user should type.</summary>
public static partial class OptionErrors
{
    [GeneratedRegex(@"as expected type '(System\.Nullable`1\[)?System\.(?<type>\w+)\]?'")]
    private static partial Regex ExpectedType();

    public static string Readable(string message) =>
        ExpectedType().Replace(message, m => m.Groups["type"].Value switch
        {
            "Int32" or "Int64" => "as a whole number",
            "UInt64" or "UInt32" => "as a whole number ≥ 0",
            "Double" or "Single" or "Decimal" => "as a number",
            "Boolean" => "as true or false",
            _ => m.Value,
        });
}

/// <summary>Checks an output folder or file is usable before any work starts, so a long run never ends in a write error.</summary>
public static class OutputCheck
{
    /// <exception cref="UsageException">The path is a file, under a file, or in a folder that cannot be written.</exception>
    public static void ForFolder(DirectoryInfo? dir, string option = "--out")
    {
        if (dir is null) return;
        if (File.Exists(dir.FullName)) throw new UsageException($"{option} '{dir}' is a file; give a folder to write into");
        Writable(dir.FullName, option, dir.ToString());
    }

    /// <exception cref="UsageException">The path is a folder, or its folder cannot be written.</exception>
    public static void ForFile(FileInfo? file, string option = "--out")
    {
        if (file is null) return;
        if (Directory.Exists(file.FullName)) throw new UsageException($"{option} '{file}' is a folder; give a file name");
        Writable(Path.GetDirectoryName(file.FullName)!, option, file.ToString());
    }

    private static void Writable(string folder, string option, string shown)
    {
        // The nearest existing ancestor must be a folder we can create files in; nothing is left behind.
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new UsageException($"{option} '{shown}': '{existing}' is a file, so no folder can be made under it");
            existing = Path.GetDirectoryName(existing) ?? throw new UsageException($"{option} '{shown}' has no existing parent folder");
        }
        var probe = Path.Combine(existing, $".finsam-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"{option} '{shown}': cannot write in '{existing}' ({e.Message.TrimEnd('.')})");
        }
    }
}
