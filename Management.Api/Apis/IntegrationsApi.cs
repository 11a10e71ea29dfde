using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Apis;

public static class IntegrationsApi
{
    public static RouteGroupBuilder MapIntegrationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/integrations");
        api.MapGet("", ListIntegrations);
        return api;
    }

    /// <summary>Integrations ordered by provider; the webhook secret never leaves the service.</summary>
    public static async Task<Results<Ok<ListEnvelope<IReadOnlyList<IntegrationView>>>, ApiError>> ListIntegrations(
        HttpRequest request, IntegrationRepository integrations, CancellationToken cancellationToken)
    {
        var query = IntegrationListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var rows = await integrations.ListAsync(filter.Provider, filter.ActiveOnly ? true : null, cancellationToken);
        IReadOnlyList<IntegrationView> items = rows
            .Select(row => new IntegrationView(row.Id, row.Provider, row.Name, row.CallbackUrl, row.IsActive, row.CreatedAt, row.UpdatedAt))
            .ToList();
        return TypedResults.Ok(new ListEnvelope<IReadOnlyList<IntegrationView>>(items, new TotalMeta(items.Count)));
    }
}
