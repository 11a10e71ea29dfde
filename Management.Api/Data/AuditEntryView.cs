using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Management.Api.Data;

/// <param name="ApiKeyId">
/// The key the request that wrote the entry was authenticated with (an API key's id, or "bootstrap" for the configured
/// management key); left out of entries the services write themselves, which keep the seed contract's shape.
/// </param>
public sealed record AuditEntryView(
    long Id, string EntityType, Guid EntityId, string Action, string Actor, JsonElement Details, DateTime CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApiKeyId);
