using Relay.Client.Http;

namespace Relay.Client;

/// <summary>
/// What every cursor-paginated list takes: <see cref="Limit"/> items a page (1-100) and the <see cref="Cursor"/> a
/// page's <c>NextCursor</c> gave. The client always pages by cursor (Relay's older page/pageSize paging is not used).
/// </summary>
public abstract record ListQuery
{
    /// <summary>What the client asks for when <see cref="Limit"/> is not set.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Items a page, 1-100 (default 50).</summary>
    public int? Limit { get; init; }

    /// <summary>Where to start: a previous page's <see cref="Page{T}.NextCursor"/>.</summary>
    public string? Cursor { get; init; }

    /// <summary>The query string for the page at <paramref name="cursor"/>.</summary>
    internal QueryString ToQueryString(string? cursor)
    {
        var query = new QueryString();
        AddFilters(query);
        return query.Add("limit", Limit ?? DefaultLimit).Add("cursor", cursor);
    }

    /// <summary>Adds the list's own filters.</summary>
    private protected abstract void AddFilters(QueryString query);
}
