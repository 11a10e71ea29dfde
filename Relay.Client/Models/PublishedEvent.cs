namespace Relay.Client;

/// <summary>The answer to publishing an event: its id, status, whether it was a duplicate of an earlier one, and the correlation id.</summary>
public sealed record PublishedEvent(Guid EventId, string Status, bool Duplicate, string CorrelationId)
{
    /// <summary>True when this is the stored answer to an earlier request with the same <c>Idempotency-Key</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IdempotentReplay { get; init; }
}
