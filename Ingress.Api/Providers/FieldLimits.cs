namespace Relay.Ingress.Api.Providers;

/// <summary>
/// How long the normalized text fields may be, in characters (Unicode code points, as PostgreSQL's char_length counts).
/// Longer ones are refused with a 400 that names the field, rather than reaching PostgreSQL: a btree index entry
/// holds at most about 2,700 bytes, and the id (in the unique idempotency key) and the event type (in the
/// event-type filter's index) are indexed. Each limit leaves the index far from that even at 4 bytes a character,
/// and is well above any real provider's values (ids are UUIDs or short tokens, types are dotted names).
/// </summary>
public static class FieldLimits
{
    public const int ExternalEventId = 255;
    public const int EventType = 200;
    public const int Subject = 500;
}
