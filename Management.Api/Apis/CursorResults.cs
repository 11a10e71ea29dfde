using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Management.Api.Data;

namespace Relay.Management.Api.Apis;

internal static class CursorResults
{
    public static Ok<CursorEnvelope<T>> Page<T>(CursorPage<T> page, int limit) =>
        TypedResults.Ok(new CursorEnvelope<T>(page.Items, new CursorMeta(limit, page.Next)));
}
