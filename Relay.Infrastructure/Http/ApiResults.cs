using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Infrastructure.Http;

public static class ApiResults
{
    public static Ok<ApiEnvelope<T>> Ok<T>(T data) => TypedResults.Ok(new ApiEnvelope<T>(data));
    public static Ok<ApiEnvelope<IReadOnlyList<T>>> Page<T>(IReadOnlyList<T> items, PageMeta meta) => TypedResults.Ok(new ApiEnvelope<IReadOnlyList<T>>(items, meta));
    public static Accepted<ApiEnvelope<T>> Accepted<T>(T data) => TypedResults.Accepted((string?)null, new ApiEnvelope<T>(data));
}
