using System.Text.Json;

namespace Relay.Management.Api.Data;

public sealed record WebhookView(
    string? ExternalEventId,
    string IdempotencyKey,
    bool SignatureValid,
    JsonElement RequestHeaders,
    RawJson RawPayload,
    string? SourceIp,
    DateTime ReceivedAt);
