using System.Text.Json;

namespace Relay.Client;

/// <summary>An accepted event as lists and the stream show it; <c>normalizedPayload</c> is the event's JSON as Relay normalized it.</summary>
public sealed record Event(
    Guid Id, Guid WebhookEventId, Guid IntegrationId, string Provider, string EventType, string? Subject, DateTimeOffset OccurredAt,
    JsonElement NormalizedPayload, string Status, int ProcessingAttempts, string? LastError, DateTimeOffset? LastProcessedAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset ReceivedAt);
