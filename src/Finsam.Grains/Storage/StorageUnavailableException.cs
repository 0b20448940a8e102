namespace Finsam.Grains.Storage;

/// <summary>
/// A grain's state could not be read or written: the database restarted, stalled or could not be
/// reached, and retrying did not get through in time. The driver's own exception types cannot travel
/// between silos (a caller on another silo got "Could not find a codec for type
/// Npgsql.NpgsqlException" instead), so their type and message are kept here as text. An
/// <see cref="OrleansException"/>, so a run treats it as the cluster's failure and retries.
/// </summary>
[GenerateSerializer, Alias("finsam.storage-unavailable")]
public sealed class StorageUnavailableException : OrleansException
{
    public StorageUnavailableException() { }

    public StorageUnavailableException(string message) : base(message) { }
}
