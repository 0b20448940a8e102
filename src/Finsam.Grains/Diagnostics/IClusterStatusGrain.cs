namespace Finsam.Grains;

/// <summary>
/// Diagnostics: which silo answered and which silos the cluster's membership
/// table holds as active. Stateless worker, so the silo that receives the call
/// (the client's gateway, or the calling grain's own silo) answers it.
/// Use key 0: <c>client.GetGrain&lt;IClusterStatusGrain&gt;(0)</c>.
/// </summary>
public interface IClusterStatusGrain : IGrainWithIntegerKey
{
    /// <summary>The answering silo and the cluster's active silos.</summary>
    Task<ClusterStatus> GetStatusAsync();

    /// <summary>The answering silo only, without asking the membership table (cheap).</summary>
    Task<SiloIdentity> WhoAmIAsync();
}

/// <summary>One silo of the cluster.</summary>
/// <param name="Address">Orleans silo address, e.g. <c>S127.0.0.1:11111:123456789</c>.</param>
/// <param name="Name">Silo name as configured (or the Orleans default).</param>
/// <param name="HostName">Host name the silo reported.</param>
/// <param name="Status">Membership status (Active, ShuttingDown, Dead …).</param>
/// <param name="GatewayPort">Client gateway port, 0 when the silo has none.</param>
/// <param name="StartTimeUtc">When the silo started, from the membership table; null when not known.</param>
[GenerateSerializer, Immutable]
public sealed record SiloIdentity(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string HostName,
    [property: Id(3)] string Status,
    [property: Id(4)] int GatewayPort,
    [property: Id(5)] DateTime? StartTimeUtc);

/// <summary>Answer of <see cref="IClusterStatusGrain.GetStatusAsync"/>.</summary>
/// <param name="ClusterId">Orleans ClusterId the answering silo belongs to.</param>
/// <param name="AnsweredBy">The silo that ran the call.</param>
/// <param name="ActiveSilos">Active silos from the membership table, ordered by address.</param>
[GenerateSerializer, Immutable]
public sealed record ClusterStatus(
    [property: Id(0)] string ClusterId,
    [property: Id(1)] SiloIdentity AnsweredBy,
    [property: Id(2)] IReadOnlyList<SiloIdentity> ActiveSilos);
