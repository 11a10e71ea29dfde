namespace Relay.Client;

/// <summary>One delivery attempt to a destination; the response excerpt has credentials redacted.</summary>
public sealed record DestinationAttempt(
    Guid Id, Guid EventId, Guid? DestinationId, Guid? DeliveryId, int AttemptNo, int? DeliveryAttemptNo, string Status, int? HttpStatus, int DurationMs, string? Error,
    string? ResponseExcerpt, DateTimeOffset CreatedAt);
