using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Finsam.Core.Priors;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary><c>finsam learn EVIDENCE --out PRIORS</c>: fits priors by insats kind from an evidence library and writes them as a portable file.</summary>
public static class LearnCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var path = new Argument<string>("evidence") { Description = "An evidence folder (evidence/) or one evidence file. See docs/evidence-format.md." };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the priors file here (YAML; use it with 'priors: FILE' in a scenario)." };
        var check = new Option<bool>("--check") { Description = "Only validate the evidence; fit and write nothing." };
        var cmd = new Command("learn",
            "Fit priors by insats kind from an evidence library — where people go at exit given where they started (with 'keeps the start " +
            "state' inside the model), monthly dropout, realised stay, participants per FTE, share of places used — pooled across insatser " +
            "and kinds, and write the posterior predictive as a priors file keyed by kind and start state (docs/validation.md §4).")
        {
            path, output, check,
        };
        cmd.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var library = EvidenceCheck.Load(console, parse.GetValue(path)!);
            if (library is null) return ValidateCommand.InvalidScenario;
            if (parse.GetValue(check)) return EvidenceCheck.Validate(console, parse.GetValue(path)!);
            var model = Learner.Learn(library);
            Write(console, model);
            if (parse.GetValue(output) is { } file)
            {
                var made = $"finsam learn {parse.GetValue(path)} ({model.Sources} sources, {model.Insatser} insatser)";
                File.WriteAllText(file.FullName, PriorsWriter.Write(model, made));
                console.MarkupLineInterpolated($"Wrote [bold]{file}[/].");
            }
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]learned in {clock.Elapsed.TotalSeconds:0.0} s[/]");
            return 0;
        });
        return cmd;
    }

    private static void Write(IAnsiConsole console, LearnedModel model)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]Priors by insats kind[/] — {model.Sources} sources, {model.Insatser} insatser");
        t.AddColumn("Kind");
        t.AddColumn(new TableColumn("Insatser").RightAligned());
        t.AddColumn(new TableColumn("Keeps start").RightAligned());
        foreach (var c in OutcomeClasses.All) t.AddColumn(new TableColumn($"→ {c}").RightAligned());
        t.AddColumn(new TableColumn("Dropout").RightAligned());
        t.AddColumn(new TableColumn("Stay (mo)").RightAligned());
        t.AddColumn(new TableColumn("Per FTE").RightAligned());
        foreach (var kind in model.Kinds.Append(PriorsWriter.DefaultKind))
        {
            var k = kind == PriorsWriter.DefaultKind ? null : kind;
            var n = k is not null && model.Support.TryGetValue(k, out var s) ? s.Insatser : k is null ? model.Insatser : 0;
            var (m, _) = model.Exits.Theta.Predictive(k);
            var (d, _, du) = model.DropoutShare(k);
            var stay = model.Stay.Predictive(k);
            var load = model.Caseload.Predictive(k);
            t.AddRow([Markup.Escape(kind), n.ToString(CultureInfo.InvariantCulture), Pct(model.Exits.KeepShare(k).Mean),
                .. m.Select(Pct), Pct(d) + (du ? " ?" : ""), Num(stay.Median) + (stay.Unknown ? " ?" : ""), Num(load.Median) + (load.Unknown ? " ?" : "")]);
        }
        console.Write(t);
        console.MarkupLine("[grey]Exit shares are for people who do not keep their start state; '?' marks a wide fallback where the library has too little evidence.[/]");
    }

    private static string Pct(double v) => (v * 100).ToString("0", CultureInfo.InvariantCulture) + " %";
    private static string Num(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
