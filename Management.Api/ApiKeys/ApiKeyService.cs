using Relay.Infrastructure.Security.ApiKeys;
using Relay.Management.Api.Integrations;

namespace Relay.Management.Api.ApiKeys;

/// <summary>
/// Creates and revokes API keys, each audited with the key of the request that did it. A revocation takes effect at
/// once in this process and within <see cref="ApiKeyOptions.CacheSeconds"/> in the others.
/// </summary>
public sealed class ApiKeyService(ApiKeyRepository keys, ApiKeyAuthenticator authenticator, ActingApiKey actingKey, TimeProvider timeProvider)
{
    public async Task<CreatedApiKey> CreateAsync(NewApiKeyInput input, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var token = ApiKeyToken.Generate(Guid.CreateVersion7(now));
        var created = await keys.CreateAsync(token.Id, input.Name, input.Scopes, ApiKeyToken.Hash(token.Secret),
            input.RequestedBy ?? IntegrationService.DefaultActor, actingKey.Id, now, cancellationToken);
        return CreatedApiKey.From(created, token);
    }

    /// <summary>The key, revoked (an already revoked one as it was); null when there is no such key.</summary>
    public async Task<ApiKey?> RevokeAsync(Guid id, string? requestedBy, CancellationToken cancellationToken)
    {
        var revoked = await keys.RevokeAsync(id, requestedBy ?? IntegrationService.DefaultActor, actingKey.Id, timeProvider.GetUtcNow(), cancellationToken);
        authenticator.Forget(id);
        return revoked;
    }
}
