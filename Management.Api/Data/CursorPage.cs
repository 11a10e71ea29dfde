namespace Relay.Management.Api.Data;

/// <summary>One page of a cursor-paginated list and the cursor (encoded) of its last row when more follow.</summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, string? Next)
{
    /// <summary>
    /// The page from <paramref name="rows"/>, read with a limit one above <paramref name="limit"/>: a row beyond it
    /// means another page follows, which then starts after the last row kept.
    /// </summary>
    public static CursorPage<T> From<TRow>(IReadOnlyList<TRow> rows, int limit, Func<TRow, string> position, Func<TRow, T> map) =>
        rows.Count > limit
            ? new CursorPage<T>(rows.Take(limit).Select(map).ToList(), position(rows[limit - 1]))
            : new CursorPage<T>(rows.Select(map).ToList(), null);
}
