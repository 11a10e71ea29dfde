namespace Relay.Management.Api.Data;

/// <param name="AttemptNo">The attempt's number among all of its event's attempts.</param>
/// <param name="DeliveryAttemptNo">Its number within its delivery (the event to this destination).</param>
/// <param name="ResponseExcerpt">The start of the receiver's answer, credentials redacted (<see cref="Destinations.ResponseRedactor"/>).</param>
public sealed record DestinationAttemptView(
    Guid Id,
    Guid EventId,
    Guid DestinationId,
    Guid? DeliveryId,
    int AttemptNo,
    int? DeliveryAttemptNo,
    string Status,
    int? HttpStatus,
    int DurationMs,
    string? Error,
    string? ResponseExcerpt,
    DateTime CreatedAt);
