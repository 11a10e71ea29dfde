using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Relay.Management.Api.Queries;

public sealed record Paging(int Page, int PageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    // Deep enough for any real listing; keeps OFFSET arithmetic far from overflow.
    public const int MaxPage = 10_000_000;

    public long Offset => (long)(Page - 1) * PageSize;
}
