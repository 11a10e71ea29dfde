using System.Text.Json;

namespace Relay.Client;

/// <summary>One entry of the audit trail; <c>apiKeyId</c> names the key the request was made with ("bootstrap" for the configured management key).</summary>
public sealed record AuditEntry(
    long Id, string EntityType, Guid EntityId, string Action, string Actor, JsonElement Details, DateTimeOffset CreatedAt, string? ApiKeyId);
