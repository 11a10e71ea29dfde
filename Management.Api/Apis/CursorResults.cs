using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Management.Api.Data;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Apis;

internal static class CursorResults
{
    public static Ok<CursorEnvelope<T>> Page<T>(CursorPage<T> page, CursorPaging paging) =>
        TypedResults.Ok(new CursorEnvelope<T>(page.Items, new CursorMeta(paging.Limit, page.Next?.Encode())));
}
