using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Apis;

public static class AuditEntriesApi
{
    public static RouteGroupBuilder MapAuditEntriesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/audit-entries");
        api.MapGet("", ListAuditEntries).WithQueryParameters(AuditEntryListQuery.Parse);
        return api;
    }

    /// <summary>The audit trail, newest first.</summary>
    public static async Task<Results<Ok<ApiEnvelope<IReadOnlyList<AuditEntryView>>>, Ok<CursorEnvelope<AuditEntryView>>, ApiError>> ListAuditEntries(
        HttpRequest request, AuditEntryRepository auditEntries, CancellationToken cancellationToken)
    {
        var query = AuditEntryListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (filter.ByCursor is { } byCursor)
        {
            return CursorResults.Page(await auditEntries.ListByCursorAsync(filter, byCursor, cancellationToken), byCursor.Limit);
        }
        var page = await auditEntries.ListAsync(filter, cancellationToken);
        return ApiResults.Page(page.Items, ManagementResults.Meta(filter.Paging, page.Total));
    }
}
