namespace Relay.Management.Api.Data;

/// <summary>How a write to a destination went.</summary>
public enum DestinationWrite
{
    Done,
    NotFound,
    /// <summary>Refused: the default destination's URL and existence belong to its integration.</summary>
    DefaultDestination,
}
