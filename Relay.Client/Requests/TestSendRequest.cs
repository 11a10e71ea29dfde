namespace Relay.Client;

/// <summary>A signed test event sent to a destination now.</summary>
public sealed record TestSendRequest(string EventType)
{
    /// <summary>The test event's <c>data</c>; any JSON-serializable value.</summary>
    public object? Data { get; init; }

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }
}
