using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Apis;

public static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/stats").WithTags("Stats");
        api.MapGet("/activity", GetActivity).WithQueryParameters(ActivityQuery.Parse);
        return api;
    }

    /// <summary>Accepted events, deliveries, failed attempts, exhausted deliveries and delivery latency per minute, up to now.</summary>
    public static async Task<Results<Ok<ApiEnvelope<ActivityStats>>, ApiError>> GetActivity(
        HttpRequest request, StatsRepository stats, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var query = ActivityQuery.Parse(request.Query);
        if (query.Value is not { } activity)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var currentMinute = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        var from = currentMinute.AddMinutes(1 - activity.Minutes);
        var buckets = await stats.ReadActivityAsync(from, activity.Minutes, activity.IntegrationId, cancellationToken);
        return ApiResults.Ok(ActivityStats.Of(from, now, buckets));
    }
}
