using Relay.Infrastructure.Http;

namespace Relay.Management.Api.Apis;

/// <summary><c>meta</c> of a list that is not paginated (<c>GET /integrations</c>).</summary>
public sealed record TotalMeta(long Total);

/// <summary>The success envelope with <c>meta: {total}</c>.</summary>
public sealed record ListEnvelope<T>(T Data, TotalMeta Meta)
{
    public bool Success => true;
}

internal static class ManagementResults
{
    public static ApiError InvalidQuery(IReadOnlyDictionary<string, string> errors) =>
        ApiError.Validation("Invalid query parameters", errors);

    public static ApiError InvalidId(string name = "id") =>
        ApiError.Validation($"Invalid {name}", new Dictionary<string, string> { [name] = "must be a UUID" });

    public static PageMeta Meta(Queries.Paging paging, long total) => PageMeta.For(paging.Page, paging.PageSize, total);
}
