using Finsam.Core.Simulation;
using Orleans.Placement;

namespace Finsam.Grains.Simulation;

/// <summary>An individual insats of one replicate: its places, its queue and its admissions.</summary>
[Alias("finsam.IInsatsGrain")]
public interface IInsatsGrain : IGrainWithStringKey
{
    [Alias("Init")] Task InitAsync(ReplicateSpec spec, int insats);

    /// <summary>
    /// The month's admissions. The grain sorts the new entries by (month, participant id) itself,
    /// so the order in which shards' entries arrive never changes who gets in.
    /// </summary>
    [Alias("Admit")] Task<AdmissionReport> AdmitAsync(int month, int leftLastMonth, QueueEntry[] entries);
    [Alias("Finish")] Task FinishAsync();
}

[PreferLocalPlacement]
public sealed class InsatsGrain(ScenarioCache cache) : ReplicateActorGrain(cache), IInsatsGrain
{
    private InsatsUnit? _unit;
    private string _id = "";

    public Task InitAsync(ReplicateSpec spec, int insats)
    {
        var model = Attach(spec);
        _unit = new InsatsUnit(model, insats);
        _id = model.Ix.Individual[insats].Id;
        return Task.CompletedTask;
    }

    public Task<AdmissionReport> AdmitAsync(int month, int leftLastMonth, QueueEntry[] entries)
    {
        Require();
        var report = _unit!.Admit(month, leftLastMonth, entries);
        FinsamInstruments.RecordQueueLength(_id, report.QueueLength);
        return Task.FromResult(report);
    }
}
