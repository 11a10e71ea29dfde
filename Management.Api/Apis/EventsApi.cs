using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Apis;

public static class EventsApi
{
    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/events");
        api.MapGet("", ListEvents).WithQueryParameters(EventListQuery.Parse);
        api.MapGet("/{id}", GetEvent);
        api.MapGet("/{id}/status", GetEventStatus);

        // The seed's alias for polling clients: the same handler as /events/{id}/status.
        app.MapGroup("/api/v1/processing-status").MapGet("/{id}", GetEventStatus);
        return api;
    }

    public static async Task<Results<Ok<ApiEnvelope<IReadOnlyList<EventView>>>, Ok<CursorEnvelope<EventView>>, ApiError>> ListEvents(
        HttpRequest request, EventQueryRepository events, CancellationToken cancellationToken)
    {
        var query = EventListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (filter.ByCursor is { } byCursor)
        {
            return CursorResults.Page(await events.ListByCursorAsync(filter, byCursor, cancellationToken), byCursor.Limit);
        }
        var page = await events.ListAsync(filter, cancellationToken);
        return ApiResults.Page(page.Items, ManagementResults.Meta(filter.Paging, page.Total));
    }

    /// <summary>The event with its webhook, delivery attempts, newest jobs and newest replay requests.</summary>
    public static async Task<Results<Ok<ApiEnvelope<EventDetail>>, ApiError>> GetEvent(
        string id, HttpRequest request, EventQueryRepository events, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!QueryReader.TryParseUuid(id, out var eventId))
        {
            return ManagementResults.InvalidId();
        }
        var detail = await events.FindDetailAsync(eventId, cancellationToken);
        return detail is null ? ApiError.NotFound("Event not found") : ApiResults.Ok(detail);
    }

    public static async Task<Results<Ok<ApiEnvelope<EventStatusView>>, ApiError>> GetEventStatus(
        string id, HttpRequest request, EventQueryRepository events, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!QueryReader.TryParseUuid(id, out var eventId))
        {
            return ManagementResults.InvalidId();
        }
        var status = await events.FindStatusAsync(eventId, cancellationToken);
        return status is null ? ApiError.NotFound("Event not found") : ApiResults.Ok(status);
    }
}
