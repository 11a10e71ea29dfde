namespace Relay.Management.Api.Data;

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
    DateTime CreatedAt);
