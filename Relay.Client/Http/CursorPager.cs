using System.Runtime.CompilerServices;

namespace Relay.Client.Http;

/// <summary>Every item of a cursor-paginated list, fetching each next page as the caller reaches it.</summary>
internal static class CursorPager
{
    public static async IAsyncEnumerable<T> AllAsync<T>(
        Func<string?, CancellationToken, Task<Page<T>>> fetchPage, string? firstCursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = firstCursor;
        do
        {
            var page = await fetchPage(cursor, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }
            // A server that answered the same cursor again would loop forever; stop instead.
            cursor = page.NextCursor == cursor ? null : page.NextCursor;
        }
        while (cursor is not null);
    }
}
