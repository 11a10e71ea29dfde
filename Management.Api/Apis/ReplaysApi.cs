using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Replays;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Apis;

public static class ReplaysApi
{
    public static RouteGroupBuilder MapReplaysApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/events/{id}/replay", RequestReplay);

        var api = app.MapGroup("/api/v1/replays");
        api.MapGet("", ListReplays).WithQueryParameters(ReplayListQuery.Parse);
        api.MapGet("/{id}", GetReplay);
        return api;
    }

    public static async Task<Results<Accepted<ApiEnvelope<ReplayAccepted>>, ApiError>> RequestReplay(
        string id, HttpContext context, ReplayService replays, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var eventId))
        {
            return ManagementResults.InvalidId();
        }
        var input = ReplayRequestInput.Parse(await RequestBody.ReadAsync(context.Request, cancellationToken));
        if (input.Value is null)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }

        var accepted = await replays.RequestAsync(eventId, input.Value, CorrelationIdOf(context), cancellationToken);
        return accepted is null
            ? ApiError.NotFound("Event not found")
            : TypedResults.Accepted($"/api/v1/replays/{accepted.ReplayRequestId}", new ApiEnvelope<ReplayAccepted>(accepted));
    }

    /// <summary>Replay requests, newest first.</summary>
    public static async Task<Results<Ok<ApiEnvelope<IReadOnlyList<ReplayRequestView>>>, Ok<CursorEnvelope<ReplayRequestView>>, ApiError>> ListReplays(
        HttpRequest request, ReplayRequestRepository replays, CancellationToken cancellationToken)
    {
        var query = ReplayListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (filter.ByCursor is { } byCursor)
        {
            return CursorResults.Page(await replays.ListByCursorAsync(filter, byCursor, cancellationToken), byCursor.Limit);
        }
        var page = await replays.ListAsync(filter, cancellationToken);
        return ApiResults.Page(page.Items, ManagementResults.Meta(filter.Paging, page.Total));
    }

    public static async Task<Results<Ok<ApiEnvelope<ReplayRequestView>>, ApiError>> GetReplay(
        string id, HttpRequest request, ReplayRequestRepository replays, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!QueryReader.TryParseUuid(id, out var replayId))
        {
            return ManagementResults.InvalidId();
        }
        var replay = await replays.FindAsync(replayId, cancellationToken);
        return replay is null ? ApiError.NotFound("Replay request not found") : ApiResults.Ok(replay);
    }

    /// <summary>The gateway's request id ties the replay request to its delivery and the logs.</summary>
    internal static string CorrelationIdOf(HttpContext context)
    {
        var requestId = context.Request.Headers["x-request-id"].ToString();
        return requestId.Length is > 0 and <= 128 ? requestId : Guid.NewGuid().ToString();
    }
}
