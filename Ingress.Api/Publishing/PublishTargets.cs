using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Providers;
using Relay.Ingress.Api.Ingestion;

namespace Relay.Ingress.Api.Publishing;

/// <summary>
/// Finds the live, active integration a published event names (by id or provider), or the <c>relay</c> integration when
/// it names none. Cached like ingest's integrations (<see cref="IngressOptions.IntegrationCacheDuration"/>), found or not,
/// so a disabled, deleted or newly created integration is seen within that time.
/// </summary>
public sealed class PublishTargets(IntegrationRepository integrations, DatabaseRetry databaseRetry, IMemoryCache cache, IOptions<IngressOptions> options)
{
    public async Task<(PublishTarget? Target, ApiError? Error)> ResolveAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        if (request.IntegrationId is { } id)
        {
            return await FindAsync(("publish-integration", id.ToString()), token => integrations.FindByIdAsync(id, token), cancellationToken) is { } byId
                ? (byId, null)
                : (null, ApiError.NotFound($"No active integration {id}"));
        }
        var provider = request.Provider ?? ProviderPresets.Relay;
        if (await FindAsync(("publish-provider", provider), token => integrations.FindByProviderAsync(provider, token), cancellationToken) is { } byProvider)
        {
            return (byProvider, null);
        }
        return (null, request.Provider is null
            ? ApiError.NotFound($"No active '{ProviderPresets.Relay}' integration for events published without integrationId or provider: create it (POST /api/v1/integrations with provider \"{ProviderPresets.Relay}\") or name one")
            : ApiError.NotFound($"No active integration for provider '{provider}'"));
    }

    private async Task<PublishTarget?> FindAsync((string, string) key, Func<CancellationToken, Task<Integration?>> find, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue<CachedTarget>(key, out var cached) && cached is not null)
        {
            return cached.Target;
        }
        var integration = await databaseRetry.ExecuteAsync(find, cancellationToken);
        var target = integration is { IsActive: true } ? new PublishTarget(integration.Id, integration.Provider) : null;
        cache.Set(key, new CachedTarget(target), options.Value.IntegrationCacheDuration);
        return target;
    }

    private sealed record CachedTarget(PublishTarget? Target);
}
