using System.Net;

namespace Finsam.Silo.Http;

/// <summary>The silo's HTTP API and web page, section <c>Http</c>.</summary>
public sealed class HttpOptions
{
    public const string SectionName = "Http";
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>TCP port of the API and page; 0 = off (<c>--http-port</c>).</summary>
    public int Port { get; set; }

    /// <summary>Address to listen on (<c>--http-bind</c>). Anything but loopback requires <see cref="ApiKey"/>.</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>When set, every API request must carry it in the <c>X-Api-Key</c> header (<c>--api-key</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Folder of the shipped scenarios offered on the page and used to resolve catalogs (<c>--scenarios</c>).</summary>
    public string? Scenarios { get; set; }

    /// <summary>Largest request body accepted (a scenario file), in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most replicates one request may ask for.</summary>
    public int MaxReplicates { get; set; } = 5_000;

    public IPAddress Address => IPAddress.TryParse(Bind, out var ip) ? ip
        : Bind is "localhost" ? IPAddress.Loopback
        : throw new ArgumentException($"Http:Bind (--http-bind) '{Bind}' is not an IP address.");

    /// <summary>Throws <see cref="ArgumentException"/> naming every bad setting (<see cref="HttpOptionsValidator"/>).</summary>
    public void Validate()
    {
        new HttpOptionsValidator().ThrowIfInvalid(this);
    }
}
