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

    /// <summary>Npgsql connection string; required in <see cref="ClusterMode.Postgres"/>.</summary>
    public string? ConnectionString { get; set; }

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

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
            throw new ArgumentException("Cluster:ClusterId (--cluster-id) must not be empty.");
        if (string.IsNullOrWhiteSpace(ServiceId))
            throw new ArgumentException("Cluster:ServiceId (--service-id) must not be empty.");
        if (SiloPort is < 0 or > 65535)
            throw new ArgumentException($"Cluster:SiloPort (--silo-port) {SiloPort} is not a TCP port.");
        if (GatewayPort is < 0 or > 65535)
            throw new ArgumentException($"Cluster:GatewayPort (--gateway-port) {GatewayPort} is not a TCP port.");
        if (!System.Net.IPAddress.TryParse(AdvertisedIp, out _))
            throw new ArgumentException($"Cluster:AdvertisedIp (--advertised-ip) '{AdvertisedIp}' is not an IP address.");
        if (Mode == ClusterMode.Postgres)
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
                throw new ArgumentException("--cluster postgres needs a connection string: --connection \"Host=…;Database=…\" (or FINSAM_Cluster__ConnectionString).");
            if (SiloPort == 0)
                throw new ArgumentException("--cluster postgres needs a fixed --silo-port (0 is only for embedded silos).");
        }
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
