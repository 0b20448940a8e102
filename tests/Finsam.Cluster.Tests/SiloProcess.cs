using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Finsam.Cluster.Tests;

/// <summary>
/// A real Finsam.Silo process (`dotnet Finsam.Silo.dll …`). Killed on Dispose, on test-process
/// exit, and by the silo itself (--parent-pid) if the test process dies without either.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private static readonly object AllLock = new();
    private static readonly HashSet<SiloProcess> All = [];

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    static SiloProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            SiloProcess[] left;
            lock (AllLock)
                left = [.. All];
            foreach (var silo in left)
                silo.Kill();
        };
    }

    private SiloProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the silo wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>The silo executable: its own build output, or FINSAM_SILO_DLL.</summary>
    public static string SiloDll
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable("FINSAM_SILO_DLL");
            if (!string.IsNullOrWhiteSpace(overridden))
                return overridden;

            var configuration = typeof(SiloProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name; // net10.0
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "Finsam.sln")))
                    continue;
                var dll = Path.Combine(dir.FullName, "src", "Finsam.Silo", "bin", configuration, tfm, "Finsam.Silo.dll");
                if (File.Exists(dll))
                    return dll;
                break;
            }

            // Fallback: the copy next to the tests (the project reference brings runtimeconfig and deps along).
            var local = Path.Combine(AppContext.BaseDirectory, "Finsam.Silo.dll");
            if (File.Exists(local) && File.Exists(Path.ChangeExtension(local, ".runtimeconfig.json")))
                return local;

            Assert.Fail($"Cannot find Finsam.Silo.dll (configuration {configuration}, {tfm}); build src/Finsam.Silo or set FINSAM_SILO_DLL.");
            return null!;
        }
    }

    public static SiloProcess Start(string name, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloDll)!,
        };
        info.ArgumentList.Add(SiloDll);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.ArgumentList.Add("--parent-pid");
        info.ArgumentList.Add(Environment.ProcessId.ToString());
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var silo = new SiloProcess(name, process);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"could not start silo {name}");
        lock (AllLock)
            All.Add(silo);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>Graceful stop (SIGTERM, as Ctrl-C or a service manager would); kills after <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
            return;
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() }, UseShellExecute = false })!)
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"silo {Name} did not stop within {timeout} after SIGTERM; killed it.");
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // gone while we looked
        }
    }

    public void Dispose()
    {
        Kill();
        lock (AllLock)
            All.Remove(this);
        _process.Dispose();
    }
}
