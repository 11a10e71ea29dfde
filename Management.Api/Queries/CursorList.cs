namespace Relay.Management.Api.Queries;

/// <summary>
/// The lists whose cursors are <see cref="ListCursor"/>s. The value is written into every cursor, so one list's cursor
/// is refused by another; never renumber.
/// </summary>
public enum CursorList : byte
{
    DestinationAttempts = 1,
    Events = 2,
    Deliveries = 3,
    AuditEntries = 4,
    Replays = 5,
    Integrations = 6,
    ApiKeys = 7,
    BulkReplays = 8,
}
