using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Finsam.Cluster.Tests;

/// <summary>The `finsam` command line as a separate process (its own build output, run with `dotnet`).</summary>
internal static class FinsamCli
{
    public static string Dll
    {
        get
        {
            var configuration = typeof(FinsamCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            var dll = Path.Combine(Simulation.RepoRoot, "src", "Finsam.Client", "bin", configuration, tfm, "finsam.dll");
            if (!File.Exists(dll)) Assert.Fail($"Cannot find {dll}; build src/Finsam.Client ({configuration}).");
            return dll;
        }
    }

    /// <summary>Runs `finsam ARGS` from the repository root; kills it after <paramref name="timeout"/>.</summary>
    public static Task<(int Exit, string Output)> RunAsync(TimeSpan timeout, params string[] args) =>
        RunDllAsync(Dll, Simulation.RepoRoot, null, timeout, args);

    /// <summary>Runs `dotnet DLL ARGS` in <paramref name="workingDirectory"/> with extra environment variables; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int Exit, string Output)> RunDllAsync(string dll, string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["COLUMNS"] = "160";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not finish within {timeout}:\n{output}");
        }
        lock (output) return (process.ExitCode, output.ToString());
    }
}
