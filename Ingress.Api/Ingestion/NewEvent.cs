using Relay.Infrastructure.Messaging;

namespace Relay.Ingress.Api.Ingestion;

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
    OutboxEntry Outbox);
