using System.Diagnostics;
using System.Text.Json;
using Relay.Contracts;

namespace Relay.Infrastructure.Messaging;

/// <summary>
/// One row for <c>outbox_messages</c>. Written inside the transaction that changes the state the message
/// announces; the <see cref="OutboxPublisher"/> sends it afterwards and then writes the optional audit entry.
/// <see cref="TraceParent"/> is the writer's trace context, under which the message is published.
/// </summary>
public sealed record OutboxEntry(string MessageType, string Payload, string? AuditEntityType, Guid? AuditEntityId, string? AuditAction, string? AuditDetails, string? TraceParent)
{
    public const string InsertSql =
        """
        INSERT INTO outbox_messages (message_type, payload, audit_entity_type, audit_entity_id, audit_action, audit_details, trace_parent)
        VALUES (@MessageType, CAST(@Payload AS jsonb), @AuditEntityType, @AuditEntityId, @AuditAction, CAST(@AuditDetails AS jsonb), @TraceParent)
        """;

    /// <summary>Many rows in one statement, in order, from the arrays of <see cref="ManyParameters"/>.</summary>
    public const string InsertManySql =
        """
        INSERT INTO outbox_messages (message_type, payload, audit_entity_type, audit_entity_id, audit_action, audit_details, trace_parent)
        SELECT m.message_type, CAST(m.payload AS jsonb), m.audit_entity_type, m.audit_entity_id, m.audit_action, CAST(m.audit_details AS jsonb), m.trace_parent
        FROM unnest(@OutboxMessageTypes, @OutboxPayloads, @OutboxAuditEntityTypes, @OutboxAuditEntityIds, @OutboxAuditActions, @OutboxAuditDetails, @OutboxTraceParents)
            WITH ORDINALITY AS m (message_type, payload, audit_entity_type, audit_entity_id, audit_action, audit_details, trace_parent, ord)
        ORDER BY m.ord
        """;

    /// <summary>The parameters of <see cref="InsertManySql"/> (names starting with <c>Outbox</c>, to sit beside a statement's own).</summary>
    public static object ManyParameters(IReadOnlyList<OutboxEntry> entries) => new
    {
        OutboxMessageTypes = entries.Select(entry => entry.MessageType).ToArray(),
        OutboxPayloads = entries.Select(entry => entry.Payload).ToArray(),
        OutboxAuditEntityTypes = entries.Select(entry => entry.AuditEntityType).ToArray(),
        OutboxAuditEntityIds = entries.Select(entry => entry.AuditEntityId).ToArray(),
        OutboxAuditActions = entries.Select(entry => entry.AuditAction).ToArray(),
        OutboxAuditDetails = entries.Select(entry => entry.AuditDetails).ToArray(),
        OutboxTraceParents = entries.Select(entry => entry.TraceParent).ToArray(),
    };

    /// <summary>The row for <paramref name="message"/>, in the trace of the current activity (the request or message being handled).</summary>
    public static OutboxEntry For<TMessage>(TMessage message, OutboxAudit? audit = null) where TMessage : class =>
        new(typeof(TMessage).Name,
            JsonSerializer.Serialize(message, JsonSerializerOptions.Web),
            audit?.EntityType, audit?.EntityId, audit?.Action,
            audit is null ? null : JsonSerializer.Serialize(audit.Details, JsonSerializerOptions.Web),
            CurrentTraceParent());

    internal static Type ResolveMessageType(string messageType) =>
        typeof(EventAccepted).Assembly.GetType($"{typeof(EventAccepted).Namespace}.{messageType}", throwOnError: false)
        ?? throw new InvalidOperationException($"Unknown outbox message type '{messageType}'.");

    /// <summary>The stored context as a parent for the publishing activity; none for a missing or malformed value.</summary>
    internal static ActivityContext? ParseTraceParent(string? traceParent) =>
        ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var context) ? context : null;

    // An activity's Id in the W3C format is exactly a traceparent header value: 00-<trace id>-<span id>-<flags>.
    private static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
}
