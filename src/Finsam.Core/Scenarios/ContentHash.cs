using System.Security.Cryptography;
using System.Text;

namespace Finsam.Core.Scenarios;

/// <summary>The one content hash Finsam names things by (scenario keys, run identities): SHA-256 of the UTF-8 text, first 128 bits in hex.</summary>
public static class ContentHash
{
    public static string Of(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
