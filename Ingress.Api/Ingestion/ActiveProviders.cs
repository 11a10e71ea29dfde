using Relay.Infrastructure.Data;
using Relay.Infrastructure.Data.Integrations;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// The names of the providers with a live, active integration, read in one query. Ingest asks it before it looks an
/// integration up, so that requests for names nobody configured (any name is possible now that providers are
/// configuration) never cost a query each. The names are read again when PostgreSQL notifies that integrations
/// changed (migration 014's trigger, channel <see cref="NotificationChannel"/>), so an integration created a moment ago
/// is found at once; and, as a safety net, when they are older than <see cref="SafetyNetInterval"/>.
/// </summary>
public sealed class ActiveProviders : IDisposable
{
    public const string NotificationChannel = "relay_integrations";

    public static readonly TimeSpan SafetyNetInterval = TimeSpan.FromSeconds(30);

    private readonly IntegrationRepository integrations;
    private readonly DatabaseRetry databaseRetry;
    private readonly TimeProvider timeProvider;
    private readonly IDisposable subscription;
    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile Snapshot? snapshot;
    // Set by a notification (and when the listener connects again, since notifications may have been missed meanwhile).
    private volatile bool changed = true;

    public ActiveProviders(IntegrationRepository integrations, DatabaseRetry databaseRetry, TimeProvider timeProvider, PostgresNotifications notifications)
    {
        this.integrations = integrations;
        this.databaseRetry = databaseRetry;
        this.timeProvider = timeProvider;
        subscription = notifications.Subscribe(NotificationChannel, () => changed = true);
    }

    /// <summary>True when <paramref name="provider"/> has a live, active integration, as far as the names read say.</summary>
    public async ValueTask<bool> IsActiveAsync(string provider, CancellationToken cancellationToken)
    {
        var current = snapshot;
        if (current is null || changed || timeProvider.GetUtcNow() - current.LoadedAt >= SafetyNetInterval)
        {
            current = await LoadAsync(current, cancellationToken);
        }
        return current.Providers.Contains(provider);
    }

    public void Dispose() => subscription.Dispose();

    private async Task<Snapshot> LoadAsync(Snapshot? seen, CancellationToken cancellationToken)
    {
        await loading.WaitAsync(cancellationToken);
        try
        {
            // Whoever held the lock before may have read the names already: one query serves every waiting request.
            if (snapshot is { } latest && !ReferenceEquals(latest, seen) && !changed)
            {
                return latest;
            }
            // Cleared before reading, so a change notified while the query runs makes the next request read again.
            changed = false;
            var providers = await databaseRetry.ExecuteAsync(token => integrations.ListActiveProvidersAsync(token), cancellationToken);
            var loaded = new Snapshot(providers.ToHashSet(StringComparer.Ordinal), timeProvider.GetUtcNow());
            snapshot = loaded;
            return loaded;
        }
        catch
        {
            changed = true;
            throw;
        }
        finally
        {
            loading.Release();
        }
    }

    private sealed record Snapshot(HashSet<string> Providers, DateTimeOffset LoadedAt);
}
