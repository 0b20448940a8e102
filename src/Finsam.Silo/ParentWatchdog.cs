using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Finsam.Silo;

/// <summary>
/// Stops the silo when the process that started it is gone (<c>--parent-pid</c>), so that
/// silos started by tests or scripts never outlive them, even when those are killed hard.
/// </summary>
internal sealed partial class ParentWatchdog(int parentPid, IHostApplicationLifetime lifetime, ILogger<ParentWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (IsAlive(parentPid))
                continue;
            LogParentGone(parentPid);
            lifetime.StopApplication();
            return;
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parent process {ParentPid} is gone; stopping the silo.")]
    private partial void LogParentGone(int parentPid);
}
