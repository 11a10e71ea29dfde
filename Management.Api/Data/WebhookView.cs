using System.Text.Json;

namespace Relay.Management.Api.Data;

public sealed record WebhookView(
    string? ExternalEventId,
    string IdempotencyKey,
    bool SignatureValid,
    JsonElement RequestHeaders,
    JsonElement RawPayload,
    string? SourceIp,
    DateTime ReceivedAt);
