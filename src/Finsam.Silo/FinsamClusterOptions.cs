namespace Finsam.Silo;

/// <summary>How a silo (or a client) finds the rest of its cluster.</summary>
public enum ClusterMode
{
    /// <summary>One in-process silo: localhost clustering, in-memory grain storage.</summary>
    Embedded,

    /// <summary>ADO.NET clustering and grain storage on PostgreSQL (Npgsql).</summary>
    Postgres,
}

/// <summary>
/// Cluster settings, bound from the configuration section <c>Cluster</c>
/// (appsettings.json, <c>FINSAM_Cluster__…</c> environment variables, command line).
/// </summary>
public sealed class FinsamClusterOptions
{
    /// <summary>Configuration section the options are bound from.</summary>
    public const string SectionName = "Cluster";

    /// <summary>Default ClusterId and ServiceId.</summary>
    public const string DefaultId = "finsam";

    /// <summary><c>embedded</c> (default) or <c>postgres</c>.</summary>
    public ClusterMode Mode { get; set; } = ClusterMode.Embedded;

    /// <summary>
    /// Npgsql connection string; required in <see cref="ClusterMode.Postgres"/>. Also from the environment
    /// variable <c>FINSAM_CONNECTION</c> or from <see cref="ConnectionFile"/>. Never logged whole.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>File holding the connection string (<c>--connection-file</c>, <c>FINSAM_CONNECTION_FILE</c>), so it stays out of shell history and <c>ps</c>.</summary>
    public string? ConnectionFile { get; set; }

    /// <summary>File holding just the password, added to the connection string (<c>--password-file</c>, e.g. a container secret).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Orleans ClusterId: silos with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = DefaultId;

    /// <summary>Orleans ServiceId: keys stored grain state; keep it stable across deployments.</summary>
    public string ServiceId { get; set; } = DefaultId;

    /// <summary>Silo name shown by the dashboard and the status grain; empty = "finsam-{host}-{siloPort}".</summary>
    public string? SiloName { get; set; }

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port; 0 = no gateway.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// IP address the silo advertises to the others (and listens on, unless
    /// <see cref="ListenOnAnyHostAddress"/>). Loopback by default: set the machine's
    /// address for a cluster that spans machines.
    /// </summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";

    /// <summary>Listen on all interfaces instead of only <see cref="AdvertisedIp"/>.</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>The silo name to use: <see cref="SiloName"/> or a name built from host and port.</summary>
    public string EffectiveSiloName =>
        string.IsNullOrWhiteSpace(SiloName) ? $"finsam-{Environment.MachineName}-{SiloPort}" : SiloName;

    /// <summary>Throws <see cref="ArgumentException"/> naming every bad setting (<see cref="ClusterOptionsValidator"/>).</summary>
    public void Validate()
    {
        new ClusterOptionsValidator().ThrowIfInvalid(this);
    }
}

/// <summary>Dashboard settings, section <c>Dashboard</c>.</summary>
public sealed class FinsamDashboardOptions
{
    /// <summary>Configuration section the options are bound from.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>Loopback HTTP port of the Orleans Dashboard; 0 disables it.</summary>
    public int Port { get; set; } = 8081;
}
