using Finsam.Core.Results;
using Finsam.Core.Simulation;
using Finsam.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Finsam.Cluster.Tests;

/// <summary>How a replicate's result crosses silos: as codec bytes, not JSON, and unchanged.</summary>
public sealed class ReplicateResultWireTests
{
    [Fact]
    public async Task A_replicate_result_crosses_as_its_codec_bytes_and_comes_back_the_same()
    {
        var ix = new ScenarioIndex(Finsam.Core.Loading.ScenarioLoader.Load(Simulation.Example()));
        var result = await Simulator.RunReplicateAsync(ix, 3);
        var serializer = new ServiceCollection().AddFinsamSerialization().BuildServiceProvider().GetRequiredService<Serializer>();

        var wire = serializer.SerializeToArray(result);
        var codec = ReplicateResultCodec.Encode(result);
        // The codec's bytes plus a few bytes of framing; the JSON form would be text of another size.
        Assert.InRange(wire.Length, codec.Length, codec.Length + 64);
        Assert.Equal(codec, ReplicateResultCodec.Encode(serializer.Deserialize<ReplicateResult>(wire)!));

        // Inside another message too (a worker's batch answer).
        var batch = serializer.SerializeToArray(new[] { result, result });
        Assert.Equal(codec, ReplicateResultCodec.Encode(serializer.Deserialize<ReplicateResult[]>(batch)![1]));
    }
}
