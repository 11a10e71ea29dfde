namespace Relay.Client;

/// <summary>Replays one event to its destinations.</summary>
public sealed record ReplayEventRequest(string Reason)
{
    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }
}
