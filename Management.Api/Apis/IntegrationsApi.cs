using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Destinations;
using Relay.Management.Api.Integrations;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Apis;

public static class IntegrationsApi
{
    public static RouteGroupBuilder MapIntegrationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/integrations").WithTags("Integrations");
        api.MapGet("", ListIntegrations).WithName(nameof(ListIntegrations)).WithQueryParameters(IntegrationListQuery.Parse);
        api.MapPost("", CreateIntegration).WithName(nameof(CreateIntegration));
        api.MapGet("/{id}", GetIntegration).WithName(nameof(GetIntegration));
        api.MapPatch("/{id}", UpdateIntegration).WithName(nameof(UpdateIntegration));
        api.MapPost("/{id}/enable", EnableIntegration).WithName(nameof(EnableIntegration));
        api.MapPost("/{id}/disable", DisableIntegration).WithName(nameof(DisableIntegration));
        api.MapDelete("/{id}", DeleteIntegration).WithName(nameof(DeleteIntegration));
        api.MapPost("/{id}/secret", RotateIntegrationSecret).WithName(nameof(RotateIntegrationSecret));
        return api;
    }

    /// <summary>Live integrations ordered by provider; the webhook secret never leaves the service.</summary>
    public static async Task<Results<Ok<ListEnvelope<IReadOnlyList<IntegrationView>>>, Ok<CursorEnvelope<IntegrationView>>, ApiError>> ListIntegrations(
        HttpRequest request, IntegrationRepository integrations, CancellationToken cancellationToken)
    {
        var query = IntegrationListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (filter.ByCursor is { } byCursor)
        {
            var page = await integrations.ListAfterAsync(filter.Provider, filter.ActiveOnly ? true : null,
                (string?)byCursor.After?.Key, (Guid?)byCursor.After?.Id, byCursor.Limit + 1, cancellationToken);
            return CursorResults.Page(CursorPage<IntegrationView>.From(page, byCursor.Limit,
                row => new ListCursor(IntegrationListQuery.Order, row.Provider, row.Id).Encode(), View), byCursor.Limit);
        }
        var rows = await integrations.ListAsync(filter.Provider, filter.ActiveOnly ? true : null, cancellationToken);
        IReadOnlyList<IntegrationView> items = rows.Select(View).ToList();
        return TypedResults.Ok(new ListEnvelope<IReadOnlyList<IntegrationView>>(items, new TotalMeta(items.Count)));
    }

    private static IntegrationView View(Integration row) =>
        new(row.Id, row.Provider, row.Name, row.CallbackUrl, row.IsActive, row.CreatedAt, row.UpdatedAt);

    /// <summary>
    /// Creates an integration for a provider name that has no live integration, with its default destination; the
    /// answer shows that destination's signing secret, once. How its webhooks are verified and mapped is a preset's
    /// (named by <c>preset</c>, or by the provider's own name) or the body's <c>verification</c> and <c>fields</c>.
    /// </summary>
    public static async Task<Results<Created<ApiEnvelope<CreatedIntegration>>, ApiError>> CreateIntegration(
        HttpRequest request, IntegrationService service, CallbackUrlCheck callbackUrlCheck, CancellationToken cancellationToken)
    {
        var input = NewIntegrationInput.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is not { } integration)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        if (await callbackUrlCheck.FindProblemAsync(integration.CallbackUrl, cancellationToken) is { } problem)
        {
            return InvalidCallbackUrl("Invalid integration", problem);
        }
        var created = await service.CreateAsync(integration, cancellationToken);
        return created is null
            ? ApiError.Conflict($"Provider '{integration.Provider}' already has an integration",
                new Dictionary<string, string> { ["provider"] = "already has a live integration; delete it first" })
            : TypedResults.Created($"/api/v1/integrations/{created.Id}", new ApiEnvelope<CreatedIntegration>(created));
    }

    public static async Task<Results<Ok<ApiEnvelope<IntegrationDetail>>, ApiError>> GetIntegration(
        string id, HttpRequest request, IntegrationRepository integrations, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!QueryReader.TryParseUuid(id, out var integrationId))
        {
            return ManagementResults.InvalidId();
        }
        var integration = await integrations.FindByIdAsync(integrationId, cancellationToken);
        return Found(integration is null ? null : IntegrationDetail.From(integration));
    }

    /// <summary>
    /// Changes <c>name</c>, <c>callbackUrl</c>, <c>isActive</c> and how webhooks are verified and mapped (<c>preset</c>,
    /// <c>verification</c>, <c>fields</c>); the default destination follows the callback URL by itself.
    /// </summary>
    public static async Task<Results<Ok<ApiEnvelope<IntegrationDetail>>, ApiError>> UpdateIntegration(
        string id, HttpRequest request, IntegrationService service, CallbackUrlCheck callbackUrlCheck, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var integrationId))
        {
            return ManagementResults.InvalidId();
        }
        var input = IntegrationPatchInput.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is not { } patch)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        if (patch.CallbackUrl is not null && await callbackUrlCheck.FindProblemAsync(patch.CallbackUrl, cancellationToken) is { } problem)
        {
            return InvalidCallbackUrl("Invalid integration update", problem);
        }
        return Answer(await service.PatchAsync(integrationId, patch, cancellationToken));
    }

    public static Task<Results<Ok<ApiEnvelope<IntegrationDetail>>, ApiError>> EnableIntegration(
        string id, HttpRequest request, IntegrationService service, CancellationToken cancellationToken) =>
        SetActiveAsync(id, true, request, service, cancellationToken);

    /// <summary>Ingest answers 404 for the provider once Ingress's integration cache has expired (5 s by default).</summary>
    public static Task<Results<Ok<ApiEnvelope<IntegrationDetail>>, ApiError>> DisableIntegration(
        string id, HttpRequest request, IntegrationService service, CancellationToken cancellationToken) =>
        SetActiveAsync(id, false, request, service, cancellationToken);

    /// <summary>
    /// Soft-deletes the integration: it leaves the list and its webhooks get the unknown provider's 404 (once Ingress's
    /// integration cache has expired), its events stay, and the provider may be given a new integration.
    /// </summary>
    public static async Task<Results<NoContent, ApiError>> DeleteIntegration(
        string id, HttpRequest request, IntegrationService service, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var integrationId))
        {
            return ManagementResults.InvalidId();
        }
        var input = RequestedByInput.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is not { } body)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        return await service.DeleteAsync(integrationId, body.RequestedBy, cancellationToken)
            ? TypedResults.NoContent()
            : IntegrationNotFound();
    }

    /// <summary>
    /// Replaces the inbound secret: the new one verifies at once, the replaced one until <c>graceSeconds</c> have passed.
    /// </summary>
    public static async Task<Results<Ok<ApiEnvelope<IntegrationDetail>>, ApiError>> RotateIntegrationSecret(
        string id, HttpRequest request, IntegrationService service, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var integrationId))
        {
            return ManagementResults.InvalidId();
        }
        var input = SecretRotationInput.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is not { } rotation)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        return Answer(await service.RotateSecretAsync(integrationId, rotation, cancellationToken));
    }

    private static async Task<Results<Ok<ApiEnvelope<IntegrationDetail>>, ApiError>> SetActiveAsync(
        string id, bool active, HttpRequest request, IntegrationService service, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var integrationId))
        {
            return ManagementResults.InvalidId();
        }
        var input = RequestedByInput.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is not { } body)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        return Found(await service.UpdateAsync(integrationId, new IntegrationChanges(IsActive: active),
            active ? IntegrationAuditActions.Enabled : IntegrationAuditActions.Disabled, body.RequestedBy, cancellationToken));
    }

    private static Results<Ok<ApiEnvelope<IntegrationDetail>>, ApiError> Answer(Outcome<IntegrationDetail> outcome) =>
        outcome.Value is { } integration ? ApiResults.Ok(integration) : outcome.Error!;

    private static Results<Ok<ApiEnvelope<IntegrationDetail>>, ApiError> Found(IntegrationDetail? integration) =>
        integration is null ? IntegrationNotFound() : ApiResults.Ok(integration);

    private static ApiError IntegrationNotFound() => ApiError.NotFound("Integration not found");

    private static ApiError InvalidCallbackUrl(string message, string problem) =>
        ApiError.Validation(message, new Dictionary<string, string> { ["callbackUrl"] = problem });
}
