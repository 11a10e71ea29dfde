using System.Text.Json;

namespace Relay.Client;

/// <summary>The webhook an event came from, as received (headers and raw payload as JSON values).</summary>
public sealed record ReceivedWebhook(
    string? ExternalEventId, string IdempotencyKey, bool SignatureValid, JsonElement RequestHeaders, JsonElement RawPayload, string? SourceIp, DateTimeOffset ReceivedAt);
