namespace Relay.Management.Api.Queries;

/// <summary>
/// A list and one of its orders: what a <see cref="ListCursor"/> is a position in. <see cref="Sort"/> tells apart the
/// orders of a list that has several (the events' <c>sortBy</c> and <c>sortOrder</c>); 0 for the others.
/// </summary>
public readonly record struct CursorOrder(CursorList List, byte Sort = 0)
{
    /// <summary>The order of <c>GET /events</c> for a sort field and direction.</summary>
    public static CursorOrder Events(EventSortField field, SortDirection direction) =>
        new(CursorList.Events, (byte)((int)field * 2 + (int)direction));

    /// <summary>The type of the sort key a cursor of this order holds: a timestamp, or text for the lists ordered by text.</summary>
    public Type KeyType =>
        List == CursorList.Integrations || (List == CursorList.Events && Sort / 2 == (int)EventSortField.Status) ? typeof(string) : typeof(DateTime);

    /// <summary>The type of the row id that breaks ties: audit entries have bigint ids, the other tables UUIDs.</summary>
    public Type IdType => List == CursorList.AuditEntries ? typeof(long) : typeof(Guid);
}
