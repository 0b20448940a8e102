namespace Finsam.Core;

/// <summary>Marker for the Core assembly: pure simulation logic, no Orleans.</summary>
public static class FinsamCore
{
    public const string FormatVersion = "1";
}
