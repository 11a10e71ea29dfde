namespace Relay.Client;

/// <summary>One attempt to deliver an event (an item of <c>GET /deliveries</c> and of an event's detail).</summary>
public sealed record DeliveryAttempt(
    Guid Id, Guid NormalizedEventId, Guid IntegrationId, int AttemptNo, string Status, int? HttpStatus, string? ResponseBody, string? ErrorMessage,
    int DurationMs, DateTimeOffset CreatedAt);
