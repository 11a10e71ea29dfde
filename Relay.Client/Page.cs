namespace Relay.Client;

/// <summary>One page of a cursor-paginated list.</summary>
/// <param name="Items">The page's items, in the list's order.</param>
/// <param name="NextCursor">Passed as the query's cursor, fetches the next page; null on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    /// <summary>Whether a next page exists.</summary>
    public bool HasMore => NextCursor is not null;
}
