namespace Relay.Client;

/// <summary>
/// One attempt to deliver an event (an item of <c>GET /deliveries</c> and of an event's detail), with the destination and
/// delivery it belongs to (null on rows older than destinations).
/// </summary>
public sealed record DeliveryAttempt(
    Guid Id, Guid NormalizedEventId, Guid IntegrationId, int AttemptNo, string Status, int? HttpStatus, string? ResponseBody, string? ErrorMessage,
    int DurationMs, DateTimeOffset CreatedAt, Guid? DestinationId, Guid? DeliveryId);
