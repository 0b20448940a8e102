using Finsam.Silo;
using Orleans.Runtime;

namespace Finsam.Cluster.Tests;

/// <summary>Test-only grain that exercises the grain storage named "runs".</summary>
public interface IStorageProbeGrain : IGrainWithStringKey
{
    Task<string?> GetAsync();
    Task<string?> GetETagAsync();
    Task<bool> RecordExistsAsync();
    Task SetAsync(string value);
    Task ClearAsync();
    Task DeactivateAsync();
}

[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)] public string? Value { get; set; }
}

public sealed class StorageProbeGrain(
    [PersistentState("probe", FinsamSiloConfiguration.RunsStorage)] IPersistentState<ProbeState> state) : Grain, IStorageProbeGrain
{
    public Task<string?> GetAsync() => Task.FromResult(state.State.Value);
    public Task<string?> GetETagAsync() => Task.FromResult(state.Etag);
    public Task<bool> RecordExistsAsync() => Task.FromResult(state.RecordExists);

    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task ClearAsync() => state.ClearStateAsync();

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
