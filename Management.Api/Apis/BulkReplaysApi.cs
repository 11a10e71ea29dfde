using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Destinations;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Replays;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Apis;

/// <summary>
/// Bulk replays: every event matching a filter replayed as one tracked job. <c>/replays/bulk</c> is a literal segment,
/// so routing prefers it to <c>/replays/{id}</c>, which keeps answering a non-UUID id with 400.
/// </summary>
public static class BulkReplaysApi
{
    public static RouteGroupBuilder MapBulkReplaysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/replays/bulk");
        api.MapPost("", RequestBulkReplay).WithName(nameof(RequestBulkReplay))
            .WithSummary("Counts the events a filter matches (dryRun), or replays them all as one job at a rate");
        api.MapGet("", ListBulkReplays).WithName(nameof(ListBulkReplays)).WithQueryParameters(BulkReplayListQuery.Parse).WithSummary("Bulk replays, newest first, by cursor");
        api.MapGet("/{id}", GetBulkReplay).WithName(nameof(GetBulkReplay)).WithSummary("A bulk replay's progress");
        api.MapPost("/{id}/cancel", CancelBulkReplay).WithName(nameof(CancelBulkReplay))
            .WithSummary("Stops a queued or running bulk replay; what it replayed stays replayed");
        return api;
    }

    public static async Task<Results<Ok<ApiEnvelope<BulkReplayPreview>>, Accepted<ApiEnvelope<BulkReplayView>>, ApiError>> RequestBulkReplay(
        HttpContext context, BulkReplayService bulkReplays, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(context.Request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var input = BulkReplayInput.Parse(await RequestBody.ReadAsync(context.Request, cancellationToken), bulkReplays.MaxEventsPerSecond);
        if (input.Value is not { } request)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        if (request.DryRun)
        {
            return ApiResults.Ok(await bulkReplays.PreviewAsync(request, cancellationToken));
        }
        var job = await bulkReplays.CreateAsync(request, ReplaysApi.CorrelationIdOf(context), cancellationToken);
        return TypedResults.Accepted($"/api/v1/replays/bulk/{job.Id}", new ApiEnvelope<BulkReplayView>(job));
    }

    public static async Task<Results<Ok<CursorEnvelope<BulkReplayView>>, ApiError>> ListBulkReplays(
        HttpRequest request, BulkReplayRepository bulkReplays, CancellationToken cancellationToken)
    {
        var query = BulkReplayListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        return CursorResults.Page(await bulkReplays.ListAsync(filter, cancellationToken), filter.Paging.Limit);
    }

    public static async Task<Results<Ok<ApiEnvelope<BulkReplayView>>, ApiError>> GetBulkReplay(
        string id, HttpRequest request, BulkReplayRepository bulkReplays, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!QueryReader.TryParseUuid(id, out var bulkReplayId))
        {
            return ManagementResults.InvalidId();
        }
        return await bulkReplays.FindAsync(bulkReplayId, cancellationToken) is { } job ? ApiResults.Ok(job) : NotFound();
    }

    /// <summary>Idempotent: cancelling a cancelled job answers it as it is; a completed or failed one is a 409.</summary>
    public static async Task<Results<Ok<ApiEnvelope<BulkReplayView>>, ApiError>> CancelBulkReplay(
        string id, HttpRequest request, BulkReplayService bulkReplays, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!QueryReader.TryParseUuid(id, out var bulkReplayId))
        {
            return ManagementResults.InvalidId();
        }
        var input = ActionRequest.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is not { } action)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        var cancellation = await bulkReplays.CancelAsync(bulkReplayId, action.RequestedBy, cancellationToken);
        return cancellation.View switch
        {
            null => NotFound(),
            { Status: "cancelled" } job => ApiResults.Ok(job),
            { } job => ApiError.Conflict($"Bulk replay already {job.Status}; only a queued or running one can be cancelled", new { status = job.Status }),
        };
    }

    private static ApiError NotFound() => ApiError.NotFound("Bulk replay not found");
}
