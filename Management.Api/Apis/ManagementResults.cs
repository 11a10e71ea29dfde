using Relay.Infrastructure.Http;

namespace Relay.Management.Api.Apis;

internal static class ManagementResults
{
    public static ApiError InvalidQuery(IReadOnlyDictionary<string, string> errors) =>
        ApiError.Validation("Invalid query parameters", errors);

    public static ApiError InvalidId(string name = "id") =>
        ApiError.Validation($"Invalid {name}", new Dictionary<string, string> { [name] = "must be a UUID" });

    public static PageMeta Meta(Queries.Paging paging, long total) => PageMeta.For(paging.Page, paging.PageSize, total);
}
