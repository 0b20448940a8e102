using System.Diagnostics;
using System.Text;

namespace Finsam.Cluster.Tests;

/// <summary>
/// A PostgreSQL server of a test's own (.ci/postgres.sh: fresh folder, free port), so the test can
/// restart or stall it without touching the server other tests share. Stopped and deleted on dispose.
/// </summary>
internal sealed class ScratchPostgres : IAsyncDisposable
{
    private ScratchPostgres(string dir, string connectionString)
    {
        Dir = dir;
        ConnectionString = connectionString;
    }

    /// <summary>The server's folder (data, socket, logs, state).</summary>
    public string Dir { get; }

    /// <summary>Connection string of its database `finsam`.</summary>
    public string ConnectionString { get; }

    public static async Task<ScratchPostgres> StartAsync()
    {
        var output = await BashAsync("bash .ci/postgres.sh start", TimeSpan.FromMinutes(3));
        string Export(string name) =>
            Unquote(output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"export {name}=", StringComparison.Ordinal))?[$"export {name}=".Length..]
                ?? throw new InvalidOperationException($".ci/postgres.sh start printed no {name}:\n{output}"));
        return new ScratchPostgres(Export("FINSAM_PG_DIR"), Export("FINSAM_TEST_PG"));
    }

    /// <summary>`pg_ctl restart -m fast`: every connection is cut, the server is back a moment later.</summary>
    public Task RestartAsync() => BashAsync(
        $"source .ci/postgres.sh && . '{Dir}/state' && _finsam_pg_as_owner \"$BINDIR/pg_ctl\" -D '{Dir}/data' -l '{Dir}/server.log' -m fast -w -t 60 restart > '{Dir}/restart.log' 2>&1 || {{ cat '{Dir}/restart.log'; exit 1; }}",
        TimeSpan.FromMinutes(2));

    /// <summary>Freezes the server (SIGSTOP to it and its backends) for <paramref name="duration"/>: connections hang, nothing fails fast.</summary>
    public async Task StallAsync(TimeSpan duration)
    {
        var pids = await BashAsync($"p=$(head -1 '{Dir}/data/postmaster.pid'); echo $p $(pgrep -P $p)", TimeSpan.FromSeconds(30));
        var list = pids.Trim();
        await BashAsync($"kill -STOP {list}", TimeSpan.FromSeconds(30));
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            await BashAsync($"kill -CONT {list}", TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await BashAsync($"kill -CONT $(head -1 '{Dir}/data/postmaster.pid') 2>/dev/null; bash .ci/postgres.sh stop '{Dir}'", TimeSpan.FromMinutes(2));
        }
        catch (Exception)
        {
            // best effort: the folder is a mktemp one under /tmp
        }
    }

    /// <summary>Undoes bash's printf %q for the characters it escapes in a path or connection string.</summary>
    private static string Unquote(string value)
    {
        var s = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length) i++;
            else if (value[i] == '\'') continue;
            s.Append(value[i]);
        }
        return s.ToString();
    }

    private static async Task<string> BashAsync(string script, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Simulation.RepoRoot,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{script}` did not finish within {timeout}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{script}` exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout;
    }
}
