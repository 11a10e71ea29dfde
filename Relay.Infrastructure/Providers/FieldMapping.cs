namespace Relay.Infrastructure.Providers;

/// <summary>
/// How one integration's webhook becomes an event: where its id, type, occurred-at time and subject are read, and
/// which object it carries. Stored in <c>integrations.field_mapping</c>. The event type is always required.
/// </summary>
public sealed record FieldMapping(FieldRule EventId, FieldRule EventType, FieldRule OccurredAt, FieldRule Subject, PayloadRule Payload)
{
    /// <summary>
    /// What an integration configured without a preset starts from: the id from <c>/id</c> (else the payload hash),
    /// the type from <c>/type</c>, the received time, no subject, the whole body as <c>data</c>.
    /// </summary>
    public static FieldMapping Default { get; } = new(
        EventId: FieldRule.OptionalFrom(FieldSource.AtPointer("/id")),
        EventType: FieldRule.RequiredFrom(FieldSource.AtPointer("/type")),
        OccurredAt: FieldRule.None,
        Subject: FieldRule.None,
        Payload: PayloadRule.WholeBody);
}
