using System.Collections.Concurrent;
using System.Diagnostics;
using Finsam.Core.Analysis;
using Finsam.Core.Calibration;
using Finsam.Core.Loading;
using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Finsam.Grains;
using Finsam.Grains.Simulation;
using Orleans.TestingHost;

namespace Finsam.Cluster.Tests;

/// <summary>The runner port over a two-silo cluster: the same replicates as in-process, spread over both silos.</summary>
public sealed class ReplicateRunnerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<FinsamTestSilo>();
        builder.AddClientBuilderConfigurator<FinsamTestClient>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Streamed_replicates_on_the_cluster_equal_the_in_process_ones_and_use_every_silo()
    {
        // An edited scenario, as calibration makes them: it travels as JSON, not as its YAML file.
        var loaded = ScenarioLoader.Load(Simulation.Example());
        var edited = ScenarioEdit.With(loaded, new Dictionary<string, Finsam.Core.Scenarios.Distribution>
        {
            [loaded.Insatser.First(i => i.Dropout is not null).Dropout!.Key] = new Finsam.Core.Scenarios.FixedValue(0.3),
        });
        var options = new RunOptions { Replicates = 40 };
        var expected = await LocalReplicateRunner.Instance.RunAllAsync(edited, options);

        var perSilo = new ConcurrentDictionary<string, int>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FinsamInstruments.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == "finsam.replicates")
                    perSilo.AddOrUpdate((string)a.GetTagItem("finsam.silo")!, (int)a.GetTagItem("finsam.replicates.count")!, (_, n) => n + (int)a.GetTagItem("finsam.replicates.count")!);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var runner = new OrleansReplicateRunner(_cluster.Client);
        var actual = await runner.RunAllAsync(edited, options);

        Assert.Equal(Json(expected), Json(actual));
        Assert.NotEqual(Json(await LocalReplicateRunner.Instance.RunAllAsync(loaded, options)), Json(actual));   // the edit travelled

        output.WriteLine("replicates per silo: " + string.Join(", ", perSilo.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(2, perSilo.Count);
        Assert.Equal(40, perSilo.Values.Sum());
    }

    [Fact]
    public async Task A_client_sends_each_silos_batches_through_that_silos_own_gateway()
    {
        // Not through another silo's gateway and on: the stateless gateway worker runs where the call arrives.
        var loaded = Simulator.Apply(ScenarioLoader.Load(Simulation.Example()), new RunOptions { Replicates = 40 });
        var expected = await LocalReplicateRunner.Instance.CollectAsync(loaded);
        var perSilo = new ConcurrentDictionary<string, int>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FinsamInstruments.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == "finsam.replicates" && a.GetTagItem("finsam.replicates.via-gateway") is true)
                    perSilo.AddOrUpdate((string)a.GetTagItem("finsam.silo")!, (int)a.GetTagItem("finsam.replicates.count")!, (_, n) => n + (int)a.GetTagItem("finsam.replicates.count")!);
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var runner = new OrleansReplicateRunner(_cluster.Client, viaGateways: true);
        var actual = await runner.CollectAsync(loaded);

        Assert.Equal(Json(expected), Json(actual));
        output.WriteLine("replicates per silo through its gateway: " + string.Join(", ", perSilo.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(2, perSilo.Count);
        Assert.Equal(40, perSilo.Values.Sum());
    }

    [Fact]
    public async Task A_throughput_query_through_the_cluster_answers_as_in_process()
    {
        var scenario = ScenarioLoader.Load(Simulation.Example());
        var insats = scenario.Insatser.First(i => i.Kind == Finsam.Core.Scenarios.InsatsKind.Individual).Id;
        var options = new RunOptions { Replicates = 16 };
        var local = await Throughput.RunAsync(scenario, insats, null, options);
        var cluster = await Throughput.RunAsync(scenario, insats, null, options, runner: new OrleansReplicateRunner(_cluster.Client));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(local), System.Text.Json.JsonSerializer.Serialize(cluster));
    }

    [Fact]
    public async Task A_calibration_through_the_cluster_writes_the_in_process_overlay()
    {
        // Its Nelder–Mead steps send the scenario once per silo, then only edits, and get forecasts back.
        var source = Simulation.Example();
        var options = new CalibrationOptions { Replicates = 6, MaxIterationsPerBlock = 8, Sweeps = 1, BaseReference = "example-forbund.yaml" };
        var local = await Calibrator.RunAsync(source, null, options);
        await using var runner = new OrleansReplicateRunner(_cluster.Client, viaGateways: true);
        var cluster = await Calibrator.RunAsync(source, null, options with { Runner = runner });
        Assert.True(local.Evaluations > 10, $"{local.Evaluations} evaluations");
        Assert.Contains(local.Fitted, f => f.Method.Contains("Nelder", StringComparison.Ordinal));
        Assert.Equal(local.OverlayText, cluster.OverlayText);
        Assert.Equal(local.LossAfter, cluster.LossAfter);
        Assert.Equal(local.Evaluations, cluster.Evaluations);
    }

    [Fact]
    public async Task Forecasts_computed_on_the_silos_equal_those_from_whole_results()
    {
        var loaded = Simulator.Apply(ScenarioLoader.Load(Simulation.Example()), new RunOptions { Replicates = 12 });
        var dropout = loaded.Insatser.First(i => i.Dropout is not null).Dropout!.Key;
        var edits = new ScenarioEdits(new Dictionary<string, Finsam.Core.Scenarios.Distribution> { [dropout] = new Finsam.Core.Scenarios.FixedValue(0.25) });
        var ids = loaded.Recorded.Where(r => !r.IsDistribution).Select(r => r.Id).ToArray();
        Assert.NotEmpty(ids);
        var expected = new SortedDictionary<int, double[]>();
        await foreach (var (r, v) in ReplicateRunners.ForecastHereAsync(LocalReplicateRunner.Instance, loaded, edits, ids)) expected[r] = v;

        await using var runner = new OrleansReplicateRunner(_cluster.Client);
        for (var round = 0; round < 2; round++)   // the second round finds the scenario on the silos and sends only the edits
        {
            var actual = new SortedDictionary<int, double[]>();
            await foreach (var (r, v) in runner.ForecastAsync(loaded, edits, ids)) actual[r] = v;
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (var (r, v) in expected) Assert.Equal(v, actual[r]);
        }
    }

    [Fact]
    public async Task Several_edits_in_one_call_give_each_edit_its_own_forecasts()
    {
        // A calibration step's simplex goes to the silos as one queue of (edit, replicate) batches.
        var loaded = Simulator.Apply(ScenarioLoader.Load(Simulation.Example()), new RunOptions { Replicates = 10 });
        var dropout = loaded.Insatser.First(i => i.Dropout is not null).Dropout!.Key;
        var edits = new[] { 0.1, 0.25, 0.4 }.Select(p => new ScenarioEdits(new Dictionary<string, Finsam.Core.Scenarios.Distribution>
            { [dropout] = new Finsam.Core.Scenarios.FixedValue(p) })).Prepend(ScenarioEdits.None).ToList();
        var ids = loaded.Recorded.Where(r => !r.IsDistribution).Select(r => r.Id).ToArray();
        await using var runner = new OrleansReplicateRunner(_cluster.Client);
        var actual = new SortedDictionary<(int, int), double[]>();
        await foreach (var (e, r, v) in runner.ForecastAsync(loaded, edits, ids)) actual[(e, r)] = v;
        Assert.Equal(edits.Count * 10, actual.Count);
        for (var e = 0; e < edits.Count; e++)
            await foreach (var (r, v) in ReplicateRunners.ForecastHereAsync(LocalReplicateRunner.Instance, loaded, edits[e], ids))
                Assert.Equal(v, actual[(e, r)]);
        // The edits change the forecasts, so a mix-up between them would show.
        double[] All(int e) => actual.Where(kv => kv.Key.Item1 == e).SelectMany(kv => kv.Value).ToArray();
        Assert.NotEqual(All(1), All(3));
    }

    private static string Json(RunResult run) => ResultWriter.ToJson(Summariser.Summarise(run));
}
