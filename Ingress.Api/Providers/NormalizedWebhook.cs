using System.Text.Json;

namespace Relay.Ingress.Api.Providers;

/// <summary>
/// A webhook as an event. <see cref="ExternalEventId"/> null: the event is deduplicated by its payload's hash;
/// <see cref="OccurredAt"/> null: the webhook named no time, so the time it was received stands for it.
/// </summary>
public sealed record NormalizedWebhook(string? ExternalEventId, string EventType, DateTimeOffset? OccurredAt, string? Subject, JsonElement NormalizedPayload);
