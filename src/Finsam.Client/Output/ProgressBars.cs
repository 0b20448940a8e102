using Spectre.Console;

namespace Finsam.Client.Output;

/// <summary>
/// Progress bars for work made of several steps (alternatives of a comparison, capacities tried by a search):
/// the work asks for a bar per step, with a label and the number of replicates it will report.
/// </summary>
public static class ProgressBars
{
    public delegate IProgress<int> AddStep(string label, int total);

    public static async Task<T> Run<T>(IAnsiConsole console, Func<AddStep, Task<T>> work)
    {
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new List<(ProgressTask Task, int Total)>();
                IProgress<int> Add(string label, int total)
                {
                    // The previous step is done when the next one starts.
                    foreach (var (t, n) in tasks) t.Value = n;
                    var task = ctx.AddTask(Markup.Escape(label), maxValue: Math.Max(1, total));
                    tasks.Add((task, total));
                    return new Progress<int>(done => task.Value = Math.Max(task.Value, done));
                }
                result = await work(Add);
                foreach (var (t, n) in tasks) t.Value = n;
            });
        return result;
    }

    /// <summary>A spinner with a status line, for work that has no countable steps (drawing a report's charts).</summary>
    public static async Task<T> Status<T>(IAnsiConsole console, string status, Func<Task<T>> work)
    {
        T result = default!;
        await console.Status().StartAsync(status, async _ => result = await work());
        return result;
    }
}
