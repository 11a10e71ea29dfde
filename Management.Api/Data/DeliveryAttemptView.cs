namespace Relay.Management.Api.Data;

/// <param name="DestinationId">The destination the attempt delivered to; with <paramref name="DeliveryId"/>, null only for attempts recorded before destinations existed and never tied to one.</param>
/// <param name="DeliveryId">The delivery (the event to that destination) the attempt belongs to.</param>
public sealed record DeliveryAttemptView(
    Guid Id,
    Guid NormalizedEventId,
    Guid IntegrationId,
    int AttemptNo,
    string Status,
    int? HttpStatus,
    string? ResponseBody,
    string? ErrorMessage,
    int DurationMs,
    DateTime CreatedAt,
    Guid? DestinationId,
    Guid? DeliveryId);
