using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Apis;

public static class DeliveriesApi
{
    public static RouteGroupBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/deliveries");
        api.MapGet("", ListDeliveries).WithQueryParameters(DeliveryListQuery.Parse);
        return api;
    }

    /// <summary>Delivery attempts, newest first.</summary>
    public static async Task<Results<Ok<ApiEnvelope<IReadOnlyList<DeliveryAttemptView>>>, Ok<CursorEnvelope<DeliveryAttemptView>>, ApiError>> ListDeliveries(
        HttpRequest request, DeliveryAttemptRepository deliveries, CancellationToken cancellationToken)
    {
        var query = DeliveryListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (filter.ByCursor is { } byCursor)
        {
            return CursorResults.Page(await deliveries.ListByCursorAsync(filter, byCursor, cancellationToken), byCursor.Limit);
        }
        var page = await deliveries.ListAsync(filter, cancellationToken);
        return ApiResults.Page(page.Items, ManagementResults.Meta(filter.Paging, page.Total));
    }
}
