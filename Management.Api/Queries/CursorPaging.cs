namespace Relay.Management.Api.Queries;

/// <summary><c>limit</c> (1-100, default 20) and <c>cursor</c> (a <c>meta.nextCursor</c> this list returned) of a cursor-paginated list.</summary>
public sealed record CursorPaging(int Limit, Cursor? After)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static CursorPaging Read(QueryReader reader)
    {
        var limit = reader.Integer("limit", DefaultLimit, 1, MaxLimit);
        var text = reader.Raw("cursor");
        Cursor? after = null;
        if (text is not null)
        {
            if (Cursor.TryDecode(text, out var cursor))
            {
                after = cursor;
            }
            else
            {
                reader.Fail("cursor", "must be a cursor this list returned (meta.nextCursor)");
            }
        }
        return new CursorPaging(limit, after);
    }
}
