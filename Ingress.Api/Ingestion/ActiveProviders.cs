using Microsoft.Extensions.Options;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Data.Integrations;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// The names of the providers with a live, active integration, read in one query and kept for
/// <see cref="IngressOptions.IntegrationCacheDuration"/>. Ingest asks it before looking an integration up, so that
/// requests for providers nobody configured (any name is possible now that providers are configuration) cost no query
/// each: a name it does not know makes it read the names again, at most once per <see cref="RecheckInterval"/>, so a
/// new integration is seen at once and junk cannot make every request a query.
/// </summary>
public sealed class ActiveProviders(IntegrationRepository integrations, DatabaseRetry databaseRetry, TimeProvider timeProvider, IOptions<IngressOptions> options)
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile Snapshot? snapshot;

    /// <summary>False when <paramref name="provider"/> certainly has no active integration now.</summary>
    public async ValueTask<bool> MayHaveAsync(string provider, CancellationToken cancellationToken)
    {
        var current = snapshot;
        var age = current is null ? TimeSpan.MaxValue : timeProvider.GetUtcNow() - current.LoadedAt;
        if (current is null || age >= options.Value.IntegrationCacheDuration || (!current.Providers.Contains(provider) && age >= RecheckInterval))
        {
            current = await LoadAsync(current, cancellationToken);
        }
        return current.Providers.Contains(provider);
    }

    private async Task<Snapshot> LoadAsync(Snapshot? seen, CancellationToken cancellationToken)
    {
        await loading.WaitAsync(cancellationToken);
        try
        {
            // Whoever held the lock before may have read the names already: one query serves every waiting request.
            if (snapshot is { } latest && !ReferenceEquals(latest, seen))
            {
                return latest;
            }
            var providers = await databaseRetry.ExecuteAsync(token => integrations.ListActiveProvidersAsync(token), cancellationToken);
            var loaded = new Snapshot(providers.ToHashSet(StringComparer.Ordinal), timeProvider.GetUtcNow());
            snapshot = loaded;
            return loaded;
        }
        finally
        {
            loading.Release();
        }
    }

    private sealed record Snapshot(HashSet<string> Providers, DateTimeOffset LoadedAt);
}
