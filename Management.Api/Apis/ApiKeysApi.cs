using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.Management.Api.ApiKeys;
using Relay.Management.Api.Data;
using Relay.Management.Api.Integrations;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Apis;

/// <summary>API keys with scopes (every route here needs <c>admin</c>): the key is shown once, when it is created.</summary>
public static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/api-keys").WithTags("API keys");
        api.MapPost("", CreateApiKey).WithName(nameof(CreateApiKey))
            .WithSummary("Creates an API key with the given scopes; answers the key itself, this once");
        api.MapGet("", ListApiKeys).WithName(nameof(ListApiKeys)).WithQueryParameters(ApiKeyListQuery.Parse).WithSummary("API keys (prefix, name, scopes, use, revocation), oldest first, by cursor");
        api.MapGet("/{id}", GetApiKey).WithName(nameof(GetApiKey)).WithSummary("One API key, without its secret");
        api.MapDelete("/{id}", RevokeApiKey).WithName(nameof(RevokeApiKey))
            .WithSummary("Revokes an API key: refused at once here, everywhere within the key cache's duration (30 s)");
        return api;
    }

    public static async Task<Results<Created<ApiEnvelope<CreatedApiKey>>, ApiError>> CreateApiKey(
        HttpRequest request, ApiKeyService keys, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var input = NewApiKeyInput.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is not { } key)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        var created = await keys.CreateAsync(key, cancellationToken);
        return TypedResults.Created($"/api/v1/api-keys/{created.Id}", new ApiEnvelope<CreatedApiKey>(created));
    }

    public static async Task<Results<Ok<CursorEnvelope<ApiKey>>, ApiError>> ListApiKeys(
        HttpRequest request, ApiKeyRepository keys, CancellationToken cancellationToken)
    {
        var query = ApiKeyListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var paging = filter.Paging;
        var rows = await keys.ListAsync(paging.Limit + 1, (DateTime?)paging.After?.Key, (Guid?)paging.After?.Id, filter.ActiveOnly, cancellationToken);
        return CursorResults.Page(CursorPage<ApiKey>.From(rows, paging.Limit, key => new ListCursor(ApiKeyListQuery.Order, key.CreatedAt, key.Id).Encode(), key => key), paging.Limit);
    }

    public static async Task<Results<Ok<ApiEnvelope<ApiKey>>, ApiError>> GetApiKey(
        string id, HttpRequest request, ApiKeyRepository keys, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!QueryReader.TryParseUuid(id, out var keyId))
        {
            return ManagementResults.InvalidId();
        }
        return await keys.FindAsync(keyId, cancellationToken) is { } key ? ApiResults.Ok(key) : NotFound();
    }

    /// <summary>Optional body <c>{requestedBy}</c> names who revoked it in the audit trail; revoking a revoked key changes nothing.</summary>
    public static async Task<Results<Ok<ApiEnvelope<ApiKey>>, ApiError>> RevokeApiKey(
        string id, HttpRequest request, ApiKeyService keys, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var keyId))
        {
            return ManagementResults.InvalidId();
        }
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var input = RequestedByInput.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is not { } body)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        return await keys.RevokeAsync(keyId, body.RequestedBy, cancellationToken) is { } key ? ApiResults.Ok(key) : NotFound();
    }

    private static ApiError NotFound() => ApiError.NotFound("API key not found");
}
