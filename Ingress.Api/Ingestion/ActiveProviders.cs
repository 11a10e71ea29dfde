using Microsoft.Extensions.Options;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Data.Integrations;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// The names of the providers with a live, active integration, read in one query and kept for
/// <see cref="IngressOptions.IntegrationCacheDuration"/>. Ingest asks it before it looks an integration up, so that
/// requests for providers nobody configured (any name is possible now that providers are configuration) cannot make
/// every request a query: a name it does not know is looked up anyway at most <see cref="UnknownLookupsPerSecond"/>
/// times a second per replica, which is how an integration created since the names were read is found at once.
/// </summary>
public sealed class ActiveProviders(IntegrationRepository integrations, DatabaseRetry databaseRetry, TimeProvider timeProvider, IOptions<IngressOptions> options)
{
    public const int UnknownLookupsPerSecond = 10;

    private readonly SemaphoreSlim loading = new(1, 1);
    private readonly PerSecondAllowance unknownLookups = new(UnknownLookupsPerSecond, timeProvider);
    private volatile Snapshot? snapshot;

    /// <summary>
    /// True when ingest should look <paramref name="provider"/>'s integration up: it has an active integration, or it
    /// is not known (yet) and this second's unknown-name look-ups are not used up.
    /// </summary>
    public async ValueTask<bool> ShouldLookUpAsync(string provider, CancellationToken cancellationToken)
    {
        var current = snapshot;
        if (current is null || timeProvider.GetUtcNow() - current.LoadedAt >= options.Value.IntegrationCacheDuration)
        {
            current = await LoadAsync(current, cancellationToken);
        }
        return current.Providers.Contains(provider) || unknownLookups.TryTake();
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
