using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Relay.Contracts;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Providers;
using Relay.Infrastructure.Redis;
using Relay.Infrastructure.Security;
using Relay.Ingress.Api.Providers;
using Relay.Ingress.Api.Verification;
using StackExchange.Redis;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// The ingest path in the contract's order: provider name, JSON-object body, rate limit, active integration,
/// credentials, normalization, idempotency, one transaction, outbox. The integration and credentials are looked at
/// before the rate limit counts, only to choose the bucket (authentic or rejected); a request over its limit still
/// gets 429 before any 404 or 401. How a provider's webhooks are verified and mapped is its integration's
/// <see cref="ProviderProfile"/>, made ready once per load of the integration.
/// </summary>
public sealed partial class WebhookIngestionService(
    IntegrationRepository integrations,
    ActiveProviders activeProviders,
    IngestedEventRepository events,
    GroupCommit<NewEvent, StoredEvent> ingestWriter,
    DatabaseRetry databaseRetry,
    ProviderRateLimiter rateLimiter,
    IDatabase redis,
    SecretProtector secretProtector,
    IMemoryCache cache,
    TimeProvider timeProvider,
    IOptions<IngressOptions> options,
    ILogger<WebhookIngestionService> logger)
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };
    // How often a failed credential check may re-read a cached integration from the database.
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);
    // When each provider's integration was last re-read after a failed check (one entry per configured provider).
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastRechecks = new(StringComparer.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,49}$")]
    private static partial Regex ProviderNamePattern();

    public async Task<IngestOutcome> IngestAsync(IncomingWebhook webhook, CancellationToken cancellationToken)
    {
        var provider = webhook.Provider.ToLowerInvariant();
        if (!ProviderNamePattern().IsMatch(provider))
        {
            return Fail(ApiError.Validation("Invalid provider name", new { provider = "must be 2-50 characters: letters, digits, '-' or '_'" }));
        }

        // System.Text.Json checks the structure, not the UTF-8 inside strings (it fails only later, when a string is
        // read); bytes that are not UTF-8 are not JSON, so reject them with the other malformed bodies.
        if (!System.Text.Unicode.Utf8.IsValid(webhook.Body))
        {
            return Fail(ApiError.Validation("Request body must be a JSON object", new { body = "must be UTF-8 encoded JSON" }));
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(webhook.Body, JsonOptions);
        }
        catch (JsonException)
        {
            return Fail(ApiError.Validation("Request body must be a JSON object"));
        }
        using var _ = document;
        var payload = document.RootElement;
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return Fail(ApiError.Validation("Request body must be a JSON object"));
        }

        // Credentials are checked before counting so that requests which fail them (unknown or inactive provider, bad
        // credentials) use a quota of their own: a flood of junk from an address gets 429 while the provider's
        // authentic webhooks from it keep theirs. Checking is cheap: an HMAC or a token compare against an integration
        // cached in memory, and a name without an active integration is known without a query (ActiveProviders).
        var checkedAt = timeProvider.GetUtcNow();
        var cached = await GetIntegrationAsync(provider, reload: false, cancellationToken);
        var rejection = CheckCredentials(cached.Integration, webhook, provider, checkedAt);
        if (rejection is not null && checkedAt - cached.LoadedAt >= RecheckInterval && TryStartRecheck(provider, checkedAt))
        {
            // The cached copy may predate a new secret, a new scheme, a new integration or an enabled one: read it
            // again so those take effect at once. At most once per RecheckInterval, so junk cannot make every request a query.
            cached = await GetIntegrationAsync(provider, reload: true, cancellationToken);
            rejection = CheckCredentials(cached.Integration, webhook, provider, checkedAt);
        }
        var integration = cached.Integration;

        var sourceIp = webhook.SourceIp?.IsIPv4MappedToIPv6 == true ? webhook.SourceIp.MapToIPv4() : webhook.SourceIp;
        var sourceIpText = sourceIp?.ToString();
        var rateLimitedAddress = sourceIpText ?? "unknown";
        var rateLimit = await rateLimiter.AcquireAsync(provider, rateLimitedAddress, rejection is null ? RateLimitBucket.Authentic : RateLimitBucket.Rejected, cancellationToken);
        if (!rateLimit.Allowed)
        {
            return new IngestOutcome(null, null, ApiError.RateLimited("Rate limit exceeded", new { provider, sourceIp = rateLimitedAddress, limitPerMinute = rateLimit.LimitPerMinute }), rateLimit.RetryAfter);
        }
        if (rejection is not null || integration is null)
        {
            // Nothing rejected means it was found; the null check is for the compiler.
            return Fail(rejection!);
        }

        var normalization = integration.Profile.Normalizer.Normalize(payload, webhook.Headers);
        if (normalization.Event is not { } normalized)
        {
            return Fail(ApiError.Validation($"Invalid {provider} webhook payload", normalization.Errors));
        }

        // What Relay does with JSON PostgreSQL's jsonb cannot hold (\u0000 in a string, an unpaired surrogate escape, a
        // number beyond numeric's range), in an authentic webhook:
        // - the body is stored as the bytes that came (raw_body), whatever they hold; raw_payload, the jsonb copy kept
        //   for SQL, is left empty for such a body;
        // - the normalized payload must be jsonb (it is what is queried, returned and delivered), so such a value in it
        //   is refused with a 400 naming the field: storing anything else would change the event;
        // - eventId, eventType, subject and the date were checked by the integration's normalizer (text, length, range).
        // And the normalized payload is delivered as jsonb's text, which can be far longer than the JSON it came from.
        var normalizedStored = JsonbInspector.Inspect(JsonMarshal.GetRawUtf8Value(normalized.NormalizedPayload));
        if (!normalizedStored.Storable)
        {
            return Fail(ApiError.Validation($"Invalid {provider} webhook payload", new Dictionary<string, string> { [normalizedStored.ProblemPath!] = normalizedStored.Problem! }));
        }
        if (normalizedStored.TextLength > options.Value.MaxDeliveryBodyBytes)
        {
            return Fail(new ApiError(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The event would be delivered as {normalizedStored.TextLength} bytes, above the {options.Value.MaxDeliveryBodyBytes}-byte delivery limit",
                new { deliveryBodyBytes = normalizedStored.TextLength, maxDeliveryBodyBytes = options.Value.MaxDeliveryBodyBytes }));
        }

        var idempotencyKey = IdempotencyKey.For(provider, normalized.ExternalEventId, normalized.NormalizedPayload);
        if (!await ClaimIdempotencyKeyAsync(idempotencyKey, cancellationToken))
        {
            // Redis has seen the key. PostgreSQL decides: if the first request's row is not there
            // (still in flight, or it failed), fall through to the insert, whose unique key settles the race.
            var existing = await databaseRetry.ExecuteAsync(token => events.FindEventIdByIdempotencyKeyAsync(idempotencyKey, token), cancellationToken);
            if (existing is not null)
            {
                return DuplicateOf(existing.Value);
            }
        }

        var now = timeProvider.GetUtcNow();
        var eventId = Guid.CreateVersion7(now);
        var newEvent = new NewEvent(
            WebhookId: Guid.CreateVersion7(now),
            EventId: eventId,
            JobId: Guid.CreateVersion7(now),
            IntegrationId: integration.Id,
            Provider: provider,
            ExternalEventId: normalized.ExternalEventId,
            IdempotencyKey: idempotencyKey,
            RequestHeaders: StoredRequestHeaders.Serialize(webhook.Headers, sourceIpText, integration.Profile.CredentialHeaders),
            RawBody: webhook.Body,
            RawBodyFitsJsonb: JsonbInspector.Inspect(webhook.Body).Storable,
            SourceIp: sourceIpText,
            ReceivedAt: now,
            EventType: normalized.EventType,
            Subject: normalized.Subject,
            // No time in the webhook: the time it was received stands for it.
            OccurredAt: normalized.OccurredAt ?? now,
            NormalizedPayload: normalized.NormalizedPayload.GetRawText(),
            CorrelationId: webhook.CorrelationId,
            Outbox: OutboxEntry.For(
                new EventAccepted(eventId, provider, webhook.CorrelationId, now),
                new OutboxAudit("normalized_event", eventId, "event.queued", new { correlationId = webhook.CorrelationId })));

        // Written with the other webhooks arriving meanwhile, in one transaction that committed or did not: safe to
        // repeat while PostgreSQL restarts (a write that committed unseen answers as this webhook's own event).
        var stored = await databaseRetry.ExecuteAsync(token => ingestWriter.WriteAsync(newEvent, token), cancellationToken);
        if (stored.Duplicate)
        {
            return DuplicateOf(stored.EventId);
        }
        logger.LogInformation("Accepted {Provider} webhook {ExternalEventId} as event {EventId} ({EventType}, correlation {CorrelationId})",
            provider, normalized.ExternalEventId, eventId, normalized.EventType, webhook.CorrelationId);
        return new IngestOutcome(new IngestResponse(eventId, "queued", false, webhook.CorrelationId), null, null);
    }

    private static IngestOutcome Fail(ApiError error) => new(null, null, error);

    private static IngestOutcome DuplicateOf(Guid eventId) =>
        new(null, new IngestResponse(eventId, "duplicate", true, $"duplicate:{eventId}"), null);

    private async Task<bool> ClaimIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            return await redis.StringSetAsync($"idempotency:{idempotencyKey}", "1", options.Value.IdempotencyWindow, When.NotExists).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception.IsRedisFailure())
        {
            // The fast path is an optimisation; PostgreSQL's unique key still guarantees one event.
            logger.LogWarning("Idempotency fast path skipped: Redis unavailable ({Message})", exception.Message);
            return true;
        }
    }

    /// <summary>True for one caller per provider per <see cref="RecheckInterval"/>, however many fail at the same moment.</summary>
    private bool TryStartRecheck(string provider, DateTimeOffset now)
    {
        var last = lastRechecks.GetOrAdd(provider, DateTimeOffset.MinValue);
        return now - last >= RecheckInterval && lastRechecks.TryUpdate(provider, now, last);
    }

    private static ApiError NoActiveIntegration(string provider) => ApiError.NotFound($"No active integration for provider '{provider}'");

    private static ApiError? CheckCredentials(ActiveIntegration? integration, IncomingWebhook webhook, string provider, DateTimeOffset now) =>
        integration is null ? NoActiveIntegration(provider)
        : integration.Credentials.Verify(webhook.Headers, webhook.Body, now) is { } verificationError ? ApiError.Unauthorized(verificationError)
        : null;

    /// <summary>
    /// The provider's live, active integration (null when there is none), cached for
    /// <see cref="IngressOptions.IntegrationCacheDuration"/>: a deletion or a disable takes effect within that time.
    /// A provider <see cref="ActiveProviders"/> does not know is answered without a query and without a cache entry.
    /// </summary>
    private async Task<CachedIntegration> GetIntegrationAsync(string provider, bool reload, CancellationToken cancellationToken)
    {
        var key = ("integration", provider);
        if (!reload && cache.TryGetValue<CachedIntegration>(key, out var cached) && cached is not null)
        {
            return cached;
        }
        if (!reload && !await activeProviders.IsActiveAsync(provider, cancellationToken))
        {
            return new CachedIntegration(null, timeProvider.GetUtcNow());
        }
        var integration = await databaseRetry.ExecuteAsync(token => integrations.FindByProviderAsync(provider, token), cancellationToken);
        var now = timeProvider.GetUtcNow();
        var active = integration is { IsActive: true } ? Prepare(integration, now) : null;
        var loaded = new CachedIntegration(active, now);
        cache.Set(key, loaded, options.Value.IntegrationCacheDuration);
        return loaded;
    }

    /// <summary>
    /// The integration ready for ingest: its profile prepared and a verifier per valid secret. Null, so that its
    /// provider answers as unknown, when the row holds no usable profile (Relay never writes one; a hand-made row may).
    /// </summary>
    private ActiveIntegration? Prepare(Integration integration, DateTimeOffset now)
    {
        string? problem = null;
        var profile = integration.Profile is { } stored ? WebhookProfile.Create(integration.Provider, stored, timeProvider, out problem) : null;
        if (profile is null)
        {
            logger.LogWarning("Integration {IntegrationId} ({Provider}) has no usable verification and field mapping ({Problem}); its webhooks are refused as unknown",
                integration.Id, integration.Provider, problem ?? "none stored");
            return null;
        }
        var current = profile.CreateVerifier(secretProtector.Unprotect(integration.EncryptedSecret, SecretPurposes.IntegrationSecret));
        if (integration.PreviousEncryptedSecret is not { } previous || integration.PreviousSecretExpiresAt is not { } expiresAt || expiresAt <= now)
        {
            return new ActiveIntegration(new IntegrationCredentials(integration.Id, current), profile);
        }
        var previousVerifier = profile.CreateVerifier(secretProtector.Unprotect(previous, SecretPurposes.IntegrationSecret));
        return new ActiveIntegration(new IntegrationCredentials(integration.Id, current, previousVerifier, expiresAt), profile);
    }

    private sealed record CachedIntegration(ActiveIntegration? Integration, DateTimeOffset LoadedAt);
}
