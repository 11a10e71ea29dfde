namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>limit</c> (1-100, default 20) and <c>cursor</c> (a <c>meta.nextCursor</c> the same list returned under the same
/// order) of a list that also pages by the seed contract's <c>page</c>/<c>pageSize</c>. Either parameter chooses
/// cursor paging; a query with neither pages as before.
/// </summary>
public sealed record ListCursorPaging(int Limit, ListCursor? After)
{
    /// <summary>The paging of a list that pages only by cursor: <c>limit</c> and <c>cursor</c>, both optional.</summary>
    public static ListCursorPaging Read(QueryReader reader, CursorOrder order) =>
        ReadOptional(reader, order, alsoPaged: false) ?? new ListCursorPaging(CursorPaging.DefaultLimit, null);

    /// <summary>
    /// The cursor paging the query asks for, or null when it names neither <c>limit</c> nor <c>cursor</c>.
    /// <paramref name="alsoPaged"/>: the list takes <c>page</c>/<c>pageSize</c> too, which cannot be mixed with these.
    /// </summary>
    public static ListCursorPaging? ReadOptional(QueryReader reader, CursorOrder order, bool alsoPaged = true)
    {
        var limitText = reader.Raw("limit");
        var cursorText = reader.Raw("cursor");
        if (limitText is null && cursorText is null)
        {
            return null;
        }
        if (alsoPaged && (reader.Raw("page") is not null || reader.Raw("pageSize") is not null))
        {
            reader.Fail(cursorText is null ? "limit" : "cursor", "cannot be combined with page or pageSize: page with page/pageSize or with limit/cursor");
        }
        var limit = reader.Integer("limit", CursorPaging.DefaultLimit, 1, CursorPaging.MaxLimit);
        ListCursor? after = null;
        if (cursorText is not null)
        {
            if (!ListCursor.TryDecode(cursorText, out var cursor) || cursor is null)
            {
                reader.Fail("cursor", "must be a cursor this list returned (meta.nextCursor)");
            }
            else if (cursor.Order != order)
            {
                reader.Fail("cursor", "was returned by another list or for another sort; use it with the same route and sortBy/sortOrder, or start again without it");
            }
            else if (cursor.Key.GetType() != order.KeyType || cursor.Id.GetType() != order.IdType)
            {
                reader.Fail("cursor", "must be a cursor this list returned (meta.nextCursor)");
            }
            else
            {
                after = cursor;
            }
        }
        return new ListCursorPaging(limit, after);
    }
}
