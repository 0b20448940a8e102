using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Finsam.Client.Output;
using Finsam.Core.Loading;
using Finsam.Core.Simulation;
using Spectre.Console;

namespace Finsam.Client.Commands;

/// <summary>
/// <c>finsam bench</c>: participant-months per second of the full engine on a synthetic scenario,
/// on one thread and on all cores, next to a plain monthly Markov step as the hardware's yardstick.
/// </summary>
public static class BenchCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var participants = new Option<int>("--participants", "-p") { Description = "People in the synthetic cohort.", DefaultValueFactory = _ => 100_000 };
        var months = new Option<int>("--months", "-m") { Description = "Months simulated.", DefaultValueFactory = _ => 120 };
        var rounds = new Option<int>("--rounds", "-r") { Description = "Timed rounds per measurement (the median is reported, with the lowest and highest).", DefaultValueFactory = _ => 5 };
        var distributed = new Option<bool>("--distributed") { Description = "Instead: the grain path (embedded silo) against the in-process engine at 1 000, 10 000 and 100 000 participants (paired rounds)." };
        var endToEnd = new Option<bool>("--end-to-end") { Description = "Instead: time whole 'finsam run' processes of shipped scenarios, in-process against embedded (paired rounds, medians, ratio, same bytes)." };
        var scenarios = new Option<string[]>("--scenario") { Description = "With --end-to-end: the scenario files (default: scenarios/rar-sormland-2007.yaml and scenarios/varend-2016-2018.yaml).", AllowMultipleArgumentsPerToken = true };
        var replicates = new Option<int>("--replicates") { Description = "With --end-to-end: replicates per run.", DefaultValueFactory = _ => 2000 };
        var write = new Option<FileInfo?>("--write-scenario") { Description = "Instead: write the synthetic scenario (with --participants and --months) to this file, e.g. to time it on a cluster (bench/cluster-scaling.sh)." };
        var cmd = new Command("bench", "Measure engine throughput (participant-months per second) on a synthetic scenario, on one thread and on all cores, against a plain Markov step.")
        {
            participants, months, rounds, distributed, write, endToEnd, scenarios, replicates,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(write) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, SyntheticScenario(parse.GetValue(participants), parse.GetValue(months)).Text, ct);
                console.MarkupLineInterpolated($"wrote {file}");
                return 0;
            }
            if (parse.GetValue(endToEnd))
            {
                var files = parse.GetValue(scenarios) is { Length: > 0 } given ? given : ["scenarios/rar-sormland-2007.yaml", "scenarios/varend-2016-2018.yaml"];
                if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
                    throw new UsageException($"{missing}: no such scenario file (run from the repository root, or give --scenario FILE)");
                return await BenchEndToEnd.RunAsync(console, files, Math.Max(1, parse.GetValue(replicates)), Math.Max(1, parse.GetValue(rounds)), ct);
            }
            if (parse.GetValue(distributed))
            {
                await Distributed(console, parse.GetValue(months), Math.Max(1, parse.GetValue(rounds)), ct);
                return 0;
            }
            var n = parse.GetValue(participants);
            var m = parse.GetValue(months);
            var k = Math.Max(1, parse.GetValue(rounds));
            var rows = await Run(n, m, k, ct);
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Finsam engine throughput — {n:#,0} participants × {m} months[/]");
            table.AddColumns("Measurement", "Participant-months / s (median)", "Lowest – highest", "Relative to plain step (1 thread)");
            for (var c = 1; c < 4; c++) table.Columns[c].RightAligned();
            var plain = rows[0].Rate;
            foreach (var row in rows)
                table.AddRow(row.Name, row.Rate.ToString("#,0", CultureInfo.InvariantCulture),
                    $"{row.Low.ToString("#,0", CultureInfo.InvariantCulture)} – {row.High.ToString("#,0", CultureInfo.InvariantCulture)}",
                    (row.Rate / plain).ToString("0.00", CultureInfo.InvariantCulture));
            console.Write(table);
            console.MarkupLineInterpolated($"[grey]{Environment.ProcessorCount} cores · .NET {Environment.Version} · median of {k} rounds · the dense step moves every participant every month (no early exit), the sparse one stops at the first matching state[/]");
            return 0;
        });
        return cmd;
    }

    /// <summary>A measurement: the median rate over rounds, and the lowest and highest.</summary>
    public sealed record Row(string Name, double Rate, double Low, double High)
    {
        public Row(string name, (double Median, double Low, double High) m) : this(name, m.Median, m.Low, m.High) { }
    }

    /// <summary>
    /// The cost of going through grains: the same replicates of the synthetic scenario run by the
    /// in-process engine and through an embedded silo (run grain → replicate grains, each running its
    /// replicate whole), both on all cores. Reported as participant-months per second and as ratio.
    /// </summary>
    private static async Task Distributed(IAnsiConsole console, int months, int rounds, CancellationToken ct)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Distributed path against the in-process engine — {months} months[/]");
        table.AddColumns("Participants", "Replicates", "In-process (pm/s)", "Grains, embedded silo (pm/s)", "Cost ratio (grains / in-process)");
        for (var k = 1; k < 5; k++) table.Columns[k].RightAligned();
        await using var orleans = Running.OrleansBackend.Embedded();
        await orleans.ConnectAsync(ct);
        var inProcess = new Running.InProcessBackend();
        foreach (var n in new[] { 1_000, 10_000, 100_000 })
        {
            var source = SyntheticScenario(n, months);
            var replicates = Math.Max(2 * Environment.ProcessorCount, 2_000_000 / n);
            var options = new RunOptions { Replicates = replicates };
            var pm = ScenarioLoader.Load(source) is var sc
                ? (await Simulator.RunReplicateAsync(new ScenarioIndex(sc), 0, ct: ct)).ParticipantMonths * (double)replicates : 0;
            async Task<double> Time(IReplicateRunner backend)
            {
                var sw = Stopwatch.StartNew();
                await backend.SummariseAsync(new RunJob(source, null, options), null, ct);
                return sw.Elapsed.TotalSeconds;
            }
            await Time(orleans); // warm-up
            // Paired and alternating, so a slow spell of the machine hits both sides of a ratio.
            var pairs = new List<(double Local, double Grains)>();
            for (var r = 0; r < rounds; r++) pairs.Add((await Time(inProcess), await Time(orleans)));
            var local = MedianOf(pairs.Select(p => p.Local));
            var grains = MedianOf(pairs.Select(p => p.Grains));
            var ratio = MedianOf(pairs.Select(p => p.Grains / p.Local));
            table.AddRow(n.ToString("#,0", CultureInfo.InvariantCulture), replicates.ToString(CultureInfo.InvariantCulture),
                (pm / local).ToString("#,0", CultureInfo.InvariantCulture), (pm / grains).ToString("#,0", CultureInfo.InvariantCulture),
                ratio.ToString("0.00", CultureInfo.InvariantCulture));
        }
        console.Write(table);
        console.MarkupLineInterpolated($"[grey]{Environment.ProcessorCount} cores · medians of {rounds} paired, alternating rounds (the ratio is the median of the rounds' ratios) · each run includes summarising the replicates[/]");
    }

    public static async Task<List<Row>> Run(int participants, int months, int rounds, CancellationToken ct)
    {
        var ix = new ScenarioIndex(ScenarioLoader.Load(SyntheticScenario(participants, months)));
        // Warm up the JIT on a small run so timings measure steady state.
        var warm = new ScenarioIndex(ScenarioLoader.Load(SyntheticScenario(2_000, 24)));
        await Simulator.RunReplicateAsync(warm, 0, ct: ct);
        PlainMarkov(2_000, 24);

        var rows = new List<Row>
        {
            new("Plain Markov step (sparse: stops at the first state), 1 thread", Median(rounds, () => PlainMarkov(participants, months))),
            new("Dense Markov step (every state compared), 1 thread", Median(rounds, () => DenseMarkov(participants, months))),
            new("Full engine, 1 thread", Median(rounds, () => Measure(() => Simulator.RunReplicateAsync(ix, 0, ct: ct).GetAwaiter().GetResult().ParticipantMonths))),
        };
        var cores = Environment.ProcessorCount;
        rows.Add(new($"Full engine, {cores} cores (one replicate per core)", Median(rounds, () => Measure(() =>
        {
            long total = 0;
            Parallel.For(0, cores, r => Interlocked.Add(ref total, Simulator.RunReplicateAsync(ix, r, ct: ct).GetAwaiter().GetResult().ParticipantMonths));
            return total;
        }))));
        rows.Add(new($"Full engine, {cores} cores (one replicate, {cores} shards)", Median(rounds, () => Measure(() =>
            Simulator.RunReplicateAsync(ix, 0, cores, parallelShards: true, ct).GetAwaiter().GetResult().ParticipantMonths))));
        return rows;
    }

    /// <summary>Median, lowest and highest of <paramref name="rounds"/> measurements: a slow spell of a shared machine shows as spread, not as the figure.</summary>
    private static double MedianOf(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static (double Median, double Low, double High) Median(int rounds, Func<double> measure)
    {
        var values = Enumerable.Range(0, rounds).Select(_ => measure()).Order().ToArray();
        var median = values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
        return (median, values[0], values[^1]);
    }

    private static double Measure(Func<long> work)
    {
        var sw = Stopwatch.StartNew();
        var pm = work();
        return pm / sw.Elapsed.TotalSeconds;
    }

    /// <summary>The yardstick: each person draws one uniform per month and steps through a 8-state transition table.</summary>
    private static double PlainMarkov(int participants, int months) => Markov(participants, months, dense: false);

    /// <summary>The dense yardstick: every participant compares against every state each month (no early exit).</summary>
    private static double DenseMarkov(int participants, int months) => Markov(participants, months, dense: true);

    private static double Markov(int participants, int months, bool dense)
    {
        const int states = 8;
        var cum = new Finsam.Core.Results.Table<double>(states, states);   // [from, to] cumulative
        for (var s = 0; s < states; s++)
            for (var t = 0; t < states; t++)
                cum[s, t] = (t + 1.0) / states * 0.1 + (t >= s ? 0.9 : 0);
        var state = new byte[participants];
        var stream = new ulong[participants];
        for (var j = 0; j < participants; j++) stream[j] = Rng.ParticipantStream(42, j);
        var counts = new int[states];
        var sw = Stopwatch.StartNew();
        for (var m = 0; m < months; m++)
            for (var j = 0; j < participants; j++)
            {
                var u = Rng.Uniform(stream[j], m);
                var s = state[j];
                var t = 0;
                if (dense)
                    for (var k = 0; k < states - 1; k++) t += u >= cum[s, k] ? 1 : 0;
                else
                    while (t < states - 1 && u >= cum[s, t]) t++;
                state[j] = (byte)t;
                counts[t]++;
            }
        GC.KeepAlive(counts);
        return (double)participants * months / sw.Elapsed.TotalSeconds;
    }

    /// <summary>A förbund-sized model scaled up: a cohort, ongoing referrals, three insatser with queues, a structural effect.</summary>
    public static ScenarioSource SyntheticScenario(int participants, int months)
    {
        var places = Math.Max(10, participants / 50);
        var yaml = $$"""
            finsam: 1
            forbund: { name: Syntetiskt förbund (benchmark) }
            horizon: { start: 2020-01, months: {{months}} }
            seed: 7
            replicates: 1
            payers:
              - { id: FK, party: FK }
              - { id: AF, party: AF }
              - { id: kommun, party: kommun }
              - { id: ingen }
            income_states:
              - { id: Förvärvsarbete, payer: ingen, monthly_cost: 0, self_sufficient: true, occupation: Förvärvsarbetande }
              - { id: Sjukpenning, payer: FK, monthly_cost: 15000 }
              - { id: SJA, payer: FK, monthly_cost: 11000 }
              - { id: A-kassa, payer: AF, monthly_cost: 12000 }
              - { id: Aktivitetsstöd, payer: AF, monthly_cost: 6500 }
              - { id: Ekonomiskt bistånd, payer: kommun, monthly_cost: 7500 }
              - { id: CSN, payer: ingen, monthly_cost: 5000, occupation: Studerande }
              - { id: Ingen ersättning, payer: ingen, monthly_cost: 0 }
            occupations:
              - { id: Förvärvsarbetande, income: Förvärvsarbete, outcome: work }
              - { id: Studerande, income: CSN, outcome: studies }
              - { id: Arbetssökande }
              - { id: Sjuk }
              - { id: Annat }
            parties:
              - { id: FK, kind: FK, share: 0.5 }
              - { id: AF, kind: AF, share: 0 }
              - { id: region, kind: region, share: 0.25 }
              - { id: kommun, kind: kommun, share: 0.25 }
            budget:
              lines: [ { id: bas }, { id: process } ]
              years: [ { year: 2020, total: 1_000_000_000, shares: { bas: 0.6, process: 0.4 } } ]
            target_groups:
              - id: alla
                income: { Sjukpenning: 0.3, A-kassa: 0.2, Aktivitetsstöd: 0.1, Ekonomiskt bistånd: 0.3, Ingen ersättning: 0.1 }
                occupation: { Arbetssökande: 0.5, Sjuk: 0.3, Annat: 0.2 }
                age: { 18-29: 0.4, 30-64: 0.6 }
                gender: { kvinna: 0.5, man: 0.5 }
            referrals:
              - { from: kommun, target_group: alla, to: coach, count: {{participants / 2}}, start: 2020-01 }
              - { from: FK, target_group: alla, to: rehab, count: {{participants - participants / 2}}, start: 2020-01 }
              - { from: AF, target_group: alla, to: coach, rate: 20 }
            insatser:
              - id: coach
                kind: individual
                budget_line: bas
                capacity: { places: {{places}} }
                cost: { per_place_month: 5000 }
                duration: { distribution: gamma, mean: 6, sd: 3 }
                exits: { Förvärvsarbetande: 0.4, Studerande: 0.1, Arbetssökande: 0.3, Annat: 0.2 }
                dropout: 0.02
                give_up: 0.01
                chains: [ { to: praktik, probability: 0.2 } ]
              - id: praktik
                kind: individual
                budget_line: process
                capacity: { places: {{places / 2}} }
                cost: { per_place_month: 8000 }
                duration: { distribution: uniform, min: 3, max: 9 }
                exits: { Förvärvsarbetande: 0.5, Arbetssökande: 0.5 }
              - id: rehab
                kind: individual
                budget_line: process
                capacity: { fte: {{places / 10}}, caseload: 10 }
                cost: { per_fte_year: 600000 }
                duration: { distribution: geometric, mean: 5 }
                exits: { Förvärvsarbetande: 0.3, Sjuk: 0.5, Annat: 0.2 }
              - id: kur
                kind: structural
                budget_line: process
                cost: { per_year: 300000 }
                effects:
                  - { on: baseline, transition: { from: Sjukpenning, to: Förvärvsarbete, multiplier: 1.2 }, ramp_months: 12 }
            baseline:
              transitions:
                - { from: Sjukpenning, to: Förvärvsarbete, monthly: 0.04 }
                - { from: Sjukpenning, to: SJA, monthly: 0.005 }
                - { from: A-kassa, to: Förvärvsarbete, monthly: 0.08 }
                - { from: A-kassa, to: Aktivitetsstöd, monthly: 0.02 }
                - { from: Aktivitetsstöd, to: Förvärvsarbete, monthly: 0.03 }
                - { from: Ekonomiskt bistånd, to: Förvärvsarbete, monthly: 0.02 }
                - { from: Ingen ersättning, to: Ekonomiskt bistånd, monthly: 0.02 }
                - { from: CSN, to: Förvärvsarbete, monthly: 0.03 }
                - { from: Förvärvsarbete, to: A-kassa, monthly: 0.005 }
                - { from: Förvärvsarbete, to: Sjukpenning, monthly: 0.005 }
            """;
        return ScenarioSource.FromText("synthetic-bench.yaml", yaml);
    }
}
