namespace Relay.Client;

/// <summary>Sends every failed delivery of a destination since <see cref="Since"/> again, as a tracked job.</summary>
public sealed record RecoverDestinationRequest(DateTimeOffset Since)
{
    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }
}
