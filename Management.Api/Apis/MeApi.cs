using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.Management.Api.ApiKeys;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Apis;

/// <summary>Who is asking: the calling key and its scopes (a GET, so the <c>read</c> scope, like any other read).</summary>
public static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/me").WithTags("Current API key");
        api.MapGet("", GetCurrentApiKey).WithName(nameof(GetCurrentApiKey))
            .WithSummary("The API key this request was made with (id, name, prefix; never its secret) and the scopes it amounts to");
        return api;
    }

    public static async Task<Results<Ok<ApiEnvelope<CurrentApiKey>>, ApiError>> GetCurrentApiKey(
        HttpRequest request, ClaimsPrincipal user, ApiKeyRepository keys, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        // The middleware authenticated the request, so the principal always carries a key id here.
        var keyId = ApiKeyClaims.KeyIdOf(user)!;
        var scopes = ApiKeyScopes.All.Where(scope => ApiKeyClaims.HasScope(user, scope)).ToList();
        if (keyId == ApiKeyClaims.BootstrapKeyId || !Guid.TryParse(keyId, out var id))
        {
            return ApiResults.Ok(new CurrentApiKey(keyId, scopes, null, null));
        }
        // Revoked since the authenticator's cache let the request through: the name is still the key's.
        var key = await keys.FindAsync(id, cancellationToken);
        return ApiResults.Ok(new CurrentApiKey(keyId, scopes, key?.Name, key?.Prefix));
    }
}
