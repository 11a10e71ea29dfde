using System.Text.Json;
using Relay.Contracts;

namespace Relay.Infrastructure.Messaging;

/// <summary>
/// One row for <c>outbox_messages</c>. Written inside the transaction that changes the state the message
/// announces; the <see cref="OutboxPublisher"/> sends it afterwards and then writes the optional audit entry.
/// </summary>
public sealed record OutboxEntry(string MessageType, string Payload, string? AuditEntityType, Guid? AuditEntityId, string? AuditAction, string? AuditDetails)
{
    public const string InsertSql =
        """
        INSERT INTO outbox_messages (message_type, payload, audit_entity_type, audit_entity_id, audit_action, audit_details)
        VALUES (@MessageType, CAST(@Payload AS jsonb), @AuditEntityType, @AuditEntityId, @AuditAction, CAST(@AuditDetails AS jsonb))
        """;

    public static OutboxEntry For<TMessage>(TMessage message, OutboxAudit? audit = null) where TMessage : class =>
        new(typeof(TMessage).Name,
            JsonSerializer.Serialize(message, JsonSerializerOptions.Web),
            audit?.EntityType, audit?.EntityId, audit?.Action,
            audit is null ? null : JsonSerializer.Serialize(audit.Details, JsonSerializerOptions.Web));

    internal static Type ResolveMessageType(string messageType) =>
        typeof(EventAccepted).Assembly.GetType($"{typeof(EventAccepted).Namespace}.{messageType}", throwOnError: false)
        ?? throw new InvalidOperationException($"Unknown outbox message type '{messageType}'.");
}
