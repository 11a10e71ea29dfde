using System.Text.Json;

namespace Relay.Management.Api.Data;

public sealed record AuditEntryView(long Id, string EntityType, Guid EntityId, string Action, string Actor, JsonElement Details, DateTime CreatedAt);
