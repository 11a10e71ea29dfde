using System.Text.Json;

namespace Relay.Management.Api.Data;

// What the management routes answer. Field names are the camelCase of the table columns; jsonb columns are
// embedded as JSON values (not strings) and timestamps are UTC DateTimes (ISO-8601 with "Z" on the wire).

public sealed record EventView(
    Guid Id,
    Guid WebhookEventId,
    Guid IntegrationId,
    string Provider,
    string EventType,
    string? Subject,
    DateTime OccurredAt,
    JsonElement NormalizedPayload,
    string Status,
    int ProcessingAttempts,
    string? LastError,
    DateTime? LastProcessedAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime ReceivedAt);
