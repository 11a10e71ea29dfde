using Relay.Infrastructure.Messaging;

namespace Relay.Ingress.Api.Ingestion;

/// <param name="PublishedBy">
/// The API key that published the event through <c>POST /api/v1/events</c> (audited <c>event.published</c> by it);
/// null for a provider's webhook (audited <c>webhook.received</c>).
/// </param>
public sealed record NewEvent(
    Guid WebhookId,
    Guid EventId,
    Guid JobId,
    Guid IntegrationId,
    string Provider,
    string? ExternalEventId,
    string IdempotencyKey,
    string RequestHeaders,
    byte[] RawBody,
    bool RawBodyFitsJsonb,
    string? SourceIp,
    DateTimeOffset ReceivedAt,
    string EventType,
    string? Subject,
    DateTimeOffset OccurredAt,
    string NormalizedPayload,
    string CorrelationId,
    OutboxEntry Outbox,
    string? PublishedBy = null);
