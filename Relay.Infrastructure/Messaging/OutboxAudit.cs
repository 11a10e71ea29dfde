namespace Relay.Infrastructure.Messaging;

/// <summary>The audit entry to write once the message has reached the broker.</summary>
public sealed record OutboxAudit(string EntityType, Guid EntityId, string Action, object Details);
