using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Relay.Ingress.Api.Providers;

public sealed record NormalizedWebhook(string? ExternalEventId, string EventType, DateTimeOffset OccurredAt, string? Subject, JsonElement NormalizedPayload);
