namespace Relay.Client;

/// <summary>A request to replay one event; <c>failureReason</c> says why a failed one failed.</summary>
public sealed record ReplayRequest(
    Guid Id, Guid EventId, string RequestedBy, string Reason, string Status, string? FailureReason, DateTimeOffset CreatedAt, DateTimeOffset? ProcessedAt);
