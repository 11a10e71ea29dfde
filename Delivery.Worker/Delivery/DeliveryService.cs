using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Relay.Delivery.Worker.Persistence;
using Relay.Delivery.Worker.Scheduling;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Security;
using Relay.Infrastructure.Security.Outbound;
using Relay.Webhooks;

namespace Relay.Delivery.Worker.Delivery;

/// <summary>
/// Delivers events: fans an accepted event out to the destinations that want it, decides for each delivery whether
/// it may go now (destination paused, disabled, circuit open, at its limits), claims the ones that may, POSTs the
/// normalized payload signed the Standard Webhooks way, and records each attempt with its consequences (succeeded,
/// retry scheduled, failed; the destination's health) in one lease-guarded transaction. Concurrent fan-outs share
/// a transaction, and so do concurrent outcomes (group commit): the database's cost per event falls as load rises.
/// </summary>
public sealed class DeliveryService : IAsyncDisposable
{
    private readonly DeliveryRepository repository;
    private readonly DestinationFilters filters;
    private readonly DestinationGate gate;
    private readonly SecretProtector protector;
    private readonly IHttpClientFactory httpClientFactory;
    private readonly DeliveryTelemetry telemetry;
    private readonly IOptions<DeliveryOptions> options;
    private readonly SchedulerWakeup wakeup;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<DeliveryService> logger;
    private readonly GroupCommit<Guid, FanOutResult?> fanOuts;
    private readonly GroupCommit<DeliveryOutcome, RecordResult> outcomes;

    public DeliveryService(DeliveryRepository repository, DestinationFilters filters, DestinationGate gate, SecretProtector protector,
        IHttpClientFactory httpClientFactory, DeliveryTelemetry telemetry, IOptions<DeliveryOptions> options, SchedulerWakeup wakeup,
        TimeProvider timeProvider, ILogger<DeliveryService> logger)
    {
        this.repository = repository;
        this.filters = filters;
        this.gate = gate;
        this.protector = protector;
        this.httpClientFactory = httpClientFactory;
        this.telemetry = telemetry;
        this.options = options;
        this.wakeup = wakeup;
        this.timeProvider = timeProvider;
        this.logger = logger;
        fanOuts = new GroupCommit<Guid, FanOutResult?>(FanOutBatchAsync, options.Value.FanOutBatchSize);
        outcomes = new GroupCommit<DeliveryOutcome, RecordResult>(repository.RecordAsync, options.Value.RecordBatchSize);
    }

    public const string HttpClientName = "delivery";
    internal const int ResponseExcerptBytes = 2048;
    internal const int MaxErrorLength = 1000;
    internal const string InactiveIntegrationError = "Integration is inactive";
    internal const string DeletedDestinationError = "Destination deleted";

    private static readonly TimeSpan[] RecordRetryDelays = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    // Until Management.Api has given an older destination its signing secret (it does so at start).
    private static readonly TimeSpan MissingSecretDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fans the event out (unless that happened already: a redelivered message does nothing) and delivers what it
    /// made. Returns when those attempts are recorded.
    /// </summary>
    public async Task HandleEventAsync(Guid eventId, CancellationToken cancellationToken)
    {
        // Not cancelled once handed over: the batch may claim deliveries for this event, and whoever waits for the
        // fan-out must deliver them (and release their gate slots).
        cancellationToken.ThrowIfCancellationRequested();
        var fanOut = await fanOuts.WriteAsync(eventId, CancellationToken.None);
        if (fanOut is null || fanOut.AlreadyFannedOut)
        {
            logger.LogDebug("Event {EventId} unknown or fanned out already; nothing to do", eventId);
            return;
        }
        if (fanOut.Deliveries.Count == 0)
        {
            logger.LogInformation("Event {EventId} matched no destination; nothing to deliver", eventId);
            return;
        }
        await Task.WhenAll(fanOut.Claims.Select(DeliverClaimedAsync));
    }

    /// <summary>The fan-outs of the events waiting at the moment, in one transaction (see <see cref="DeliveryRepository.FanOutAsync"/>).</summary>
    private async Task<IReadOnlyList<FanOutResult?>> FanOutBatchAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken)
    {
        var gated = new Dictionary<Guid, Guid>();
        IReadOnlyList<FanOutResult?>? results = null;
        try
        {
            results = await repository.FanOutAsync(eventIds, filters.Choose, candidates => Plan(candidates, gated),
                TimeSpan.FromSeconds(options.Value.PendingGraceSeconds), cancellationToken);
            return results;
        }
        finally
        {
            ExitUnclaimed(gated, results?.SelectMany(result => result?.Claims ?? []).ToList());
        }
    }

    /// <summary>
    /// Claims those of <paramref name="candidates"/> that may go now; defers or holds the others without an attempt.
    /// Every returned claim has passed its destination's gate and must be finished with <see cref="DeliverClaimedAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(IReadOnlyList<DeliveryCandidate> candidates, bool anyTime, CancellationToken cancellationToken)
    {
        var gated = new Dictionary<Guid, Guid>();
        IReadOnlyList<ClaimedDelivery>? claims = null;
        try
        {
            claims = await repository.ClaimAsync(Plan(candidates, gated), anyTime, cancellationToken);
            return claims;
        }
        finally
        {
            ExitUnclaimed(gated, claims);
        }
    }

    /// <summary>
    /// Decides for each delivery whether it goes now: a dead integration or destination fails it at once (without a
    /// request); a paused or disabled destination holds it; a destination still without a signing secret, or whose
    /// gate says not now, puts it off. Those that may go have entered their gate (recorded in <paramref name="gated"/>).
    /// </summary>
    private ClaimPlan Plan(IReadOnlyList<DeliveryCandidate> candidates, Dictionary<Guid, Guid> gated)
    {
        var settings = options.Value;
        var now = timeProvider.GetUtcNow();
        var go = new List<(DeliveryCandidate, TimeSpan)>(candidates.Count);
        var deferrals = new List<(Guid, DateTime)>();
        foreach (var candidate in candidates)
        {
            // The lease outlasts the attempt's own timeout, whatever the destination set it to.
            var lease = TimeSpan.FromSeconds(Math.Max(settings.LeaseSeconds, (candidate.TimeoutSeconds ?? settings.TimeoutSeconds) + 5));
            if (!candidate.IntegrationActive || candidate.Deleted)
            {
                go.Add((candidate, lease)); // fails at once, without a request
            }
            else if (candidate.Paused || candidate.Disabled)
            {
                deferrals.Add((candidate.DeliveryId, DeliveryRepository.Held));
            }
            else if (candidate.SigningSecret is null)
            {
                deferrals.Add((candidate.DeliveryId, (now + MissingSecretDelay).UtcDateTime));
                wakeup.DueAt(now + MissingSecretDelay);
            }
            else if (gate.TryEnter(candidate.DestinationId, candidate.RateLimitPerSecond) is { Allowed: false } decision)
            {
                telemetry.Deferred.Add(1, new KeyValuePair<string, object?>("relay.reason", decision.Reason));
                deferrals.Add((candidate.DeliveryId, decision.RetryAt.UtcDateTime));
                wakeup.DueAt(decision.RetryAt);
            }
            else
            {
                gated[candidate.DeliveryId] = candidate.DestinationId;
                go.Add((candidate, lease));
            }
        }
        return new ClaimPlan(go, deferrals);
    }

    /// <summary>What passed the gate but was not claimed (taken by another claim, or the database failed) leaves it.</summary>
    private void ExitUnclaimed(Dictionary<Guid, Guid> gated, IReadOnlyList<ClaimedDelivery>? claims)
    {
        var claimed = claims?.Select(c => c.DeliveryId).ToHashSet() ?? [];
        foreach (var (deliveryId, destinationId) in gated.Where(entry => !claimed.Contains(entry.Key)))
        {
            gate.Exit(destinationId, succeeded: null);
        }
    }

    /// <summary>
    /// Makes and records the attempt of a claimed delivery. Deliberately not cancellable: once claimed, the attempt
    /// runs to its end (bounded by the destination's timeout) and is recorded, also while the host shuts down.
    /// </summary>
    public async Task DeliverClaimedAsync(ClaimedDelivery claim)
    {
        var target = claim.Target;
        using var activity = DeliveryTelemetry.ActivitySource.StartActivity("deliver event", ActivityKind.Client);
        activity?.SetTag("relay.event_id", claim.EventId);
        activity?.SetTag("relay.delivery_id", claim.DeliveryId);
        activity?.SetTag("relay.destination_id", target.DestinationId);
        activity?.SetTag("relay.provider", target.Provider);
        activity?.SetTag("relay.attempt_no", claim.AttemptNo);
        activity?.SetTag("relay.correlation_id", target.CorrelationId);

        var settings = options.Value;
        var policy = DeliveryPolicy.For(settings, target.MaxAttempts, target.RetryScheduleMs, target.RetryJitterPercent, target.MaxRetryDelayMs, target.TimeoutSeconds, target.RateLimitPerSecond);
        DeliveryAttemptResult result;
        DateTimeOffset? circuitOpenUntil = null;
        if (!target.IntegrationActive || target.Deleted)
        {
            // No request is made, so no attempt is counted; the delivery fails at once, as the seed fails the event.
            result = DeliveryAttemptResult.NotAttempted(target.IntegrationActive ? DeletedDestinationError : InactiveIntegrationError);
        }
        else
        {
            result = await SendAsync(target, policy);
            circuitOpenUntil = gate.Exit(target.DestinationId, result.Attempted ? result.Succeeded : null);
        }
        var verdict = RetryPolicy.Decide(result, claim.Attempts, claim.AttemptBudgetStart, policy, Random.Shared.NextDouble() * 2 - 1);
        activity?.SetTag("relay.delivery.outcome", verdict.Kind.ToString());
        if (result.HttpStatus is { } httpStatus)
        {
            activity?.SetTag("http.response.status_code", httpStatus);
        }
        if (!result.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        }

        var (action, details) = AuditFor(claim, result, verdict);
        var context = new RecordContext(action, details, circuitOpenUntil, settings.AutoDisableAfterFailures, settings.AutoDisablePeriod, timeProvider.GetUtcNow());
        var recorded = await RecordAsync(new DeliveryOutcome(claim, result, verdict, context));
        if (!recorded.Recorded)
        {
            telemetry.LostLeases.Add(1);
            logger.LogWarning("Outcome of attempt {AttemptNo} of delivery {DeliveryId} (event {EventId}) discarded: its lease was taken over (replayed or presumed dead meanwhile)", claim.AttemptNo, claim.DeliveryId, claim.EventId);
            return;
        }
        if (recorded.DisabledReason is { } reason)
        {
            telemetry.DestinationsDisabled.Add(1);
            logger.LogWarning("Destination {DestinationId} disabled: {Reason}", target.DestinationId, reason);
        }

        switch (verdict.Kind)
        {
            case DeliveryVerdictKind.Processed:
                logger.LogInformation("Event {EventId} delivered to destination {DestinationId} on attempt {AttemptNo} ({HttpStatus}, {DurationMs} ms)", claim.EventId, target.DestinationId, verdict.AttemptNo, result.HttpStatus, result.DurationMs);
                break;
            case DeliveryVerdictKind.RetryScheduled:
                wakeup.DueAt(context.Now + verdict.Delay!.Value);
                logger.LogInformation("Event {EventId} attempt {AttemptNo} to destination {DestinationId} failed ({Error}); attempt {NextAttemptNo} in {Delay}", claim.EventId, verdict.AttemptNo, target.DestinationId, result.Error, verdict.NextAttemptNo, verdict.Delay);
                break;
            default:
                logger.LogWarning("Event {EventId} failed for destination {DestinationId} on attempt {AttemptNo}: {Error}", claim.EventId, target.DestinationId, verdict.AttemptNo, result.Error);
                break;
        }
    }

    /// <summary>
    /// Sends an operator's test event to a destination, signed like any delivery, outside the event pipeline: nothing
    /// is stored and the destination's gate and health are left alone. Null when the destination does not exist.
    /// </summary>
    public async Task<DeliveryAttemptResult?> SendTestAsync(Guid destinationId, Guid testId, string eventType, string payload, CancellationToken cancellationToken)
    {
        var target = await repository.FindDestinationAsync(destinationId, testId, eventType, payload, cancellationToken);
        if (target is null)
        {
            return null;
        }
        if (target.SigningSecret is null)
        {
            return DeliveryAttemptResult.NotAttempted("The destination has no signing secret yet (Management.Api generates it at start)");
        }
        var policy = DeliveryPolicy.For(options.Value, target.MaxAttempts, target.RetryScheduleMs, target.RetryJitterPercent, target.MaxRetryDelayMs, target.TimeoutSeconds, target.RateLimitPerSecond);
        return await SendAsync(target, policy);
    }

    private async Task<DeliveryAttemptResult> SendAsync(DeliveryCandidate target, DeliveryPolicy policy)
    {
        var tags = new TagList { { "relay.provider", target.Provider } };
        telemetry.Attempts.Add(1, tags);
        var started = timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(policy.Timeout, timeProvider);
        int? httpStatus = null;
        string? body = null;
        string? error;
        TimeSpan? retryAfter = null;
        var retryable = true;
        var succeeded = false;
        try
        {
            using var request = BuildRequest(target, timeProvider.GetUtcNow());
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            httpStatus = (int)response.StatusCode;
            succeeded = response.IsSuccessStatusCode;
            retryAfter = RetryAfterOf(response, timeProvider.GetUtcNow());
            retryable = response.StatusCode != HttpStatusCode.Gone;
            body = await ReadExcerptAsync(response, timeout.Token);
            error = succeeded ? null : $"Callback answered HTTP {httpStatus}";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            error = httpStatus is null
                ? $"Delivery timed out after {policy.Timeout.TotalSeconds:0.###} s"
                : succeeded ? null : $"Callback answered HTTP {httpStatus}";
        }
        catch (OutboundRequestBlockedException blocked)
        {
            // Refused before anything was sent; the same URL will be refused again, so there is no point retrying.
            error = $"Refused by the outbound address policy: {blocked.Message}";
            retryable = false;
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or UriFormatException or NotSupportedException or IOException)
        {
            // Connection refused, DNS, TLS, a malformed callback URL: all one failed attempt.
            error = exception.InnerException is { } inner && !exception.Message.Contains(inner.Message, StringComparison.Ordinal)
                ? $"{exception.Message} ({inner.Message})"
                : exception.Message;
        }
        var elapsed = timeProvider.GetElapsedTime(started);
        telemetry.Duration.Record(elapsed.TotalMilliseconds, tags);
        (succeeded ? telemetry.Successes : telemetry.Failures).Add(1, tags);
        return new DeliveryAttemptResult(true, succeeded, httpStatus, body, Truncate(error, MaxErrorLength),
            (int)Math.Min(int.MaxValue, Math.Ceiling(elapsed.TotalMilliseconds)), retryable, retryAfter);
    }

    /// <summary>
    /// The POST: the normalized payload, the seed's headers, the destination's own headers, and the Standard Webhooks
    /// signature over exactly the bytes sent, by the current secret and, during a rotation's grace window, the previous one.
    /// </summary>
    internal HttpRequestMessage BuildRequest(DeliveryCandidate target, DateTimeOffset now)
    {
        var body = Encoding.UTF8.GetBytes(target.Payload);
        var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in CustomHeaders(target.HeadersJson))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Headers.TryAddWithoutValidation("x-integration-provider", target.Provider);
        request.Headers.TryAddWithoutValidation("x-event-id", target.EventId.ToString());
        request.Headers.TryAddWithoutValidation("x-correlation-id", HeaderSafe(target.CorrelationId));

        // The event id: the same on every retry and replay, so a receiver can drop what it has seen.
        var webhookId = target.EventId.ToString();
        var timestamp = now.ToUnixTimeSeconds();
        var secrets = new List<WebhookSecret>(2) { WebhookSecret.Parse(protector.Unprotect(target.SigningSecret!, SecretPurposes.DestinationSigningSecret)) };
        if (target.PreviousSigningSecret is { } previous && target.PreviousSecretExpiresAt is { } expires
            && new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) > now)
        {
            secrets.Add(WebhookSecret.Parse(protector.Unprotect(previous, SecretPurposes.DestinationSigningSecret)));
        }
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Id, webhookId);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, WebhookSigner.SignatureHeader(secrets, webhookId, timestamp, body));
        return request;
    }

    private IEnumerable<(string Name, string Value)> CustomHeaders(string headersJson)
    {
        using var document = JsonDocument.Parse(headersJson);
        var headers = new List<(string, string)>();
        foreach (var header in document.RootElement.EnumerateObject())
        {
            if (header.Value.GetString() is { } encrypted)
            {
                headers.Add((header.Name, protector.Unprotect(encrypted, SecretPurposes.DestinationHeader)));
            }
        }
        return headers;
    }

    /// <summary>A 429 or 503's <c>Retry-After</c> (seconds or an HTTP date), as a wait from now.</summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }
        var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : null);
        return wait is { } value && value > TimeSpan.Zero ? value : null;
    }

    /// <summary>The first 2 KB of the answer, as text PostgreSQL accepts (no NUL characters).</summary>
    internal static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[ResponseExcerptBytes];
            var read = 0;
            while (read < buffer.Length)
            {
                var count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (count == 0)
                {
                    break;
                }
                read += count;
            }
            return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read).Replace("\0", "", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            // The status line decided the outcome; a body cut short only loses the excerpt.
            return null;
        }
    }

    private async Task<RecordResult> RecordAsync(DeliveryOutcome outcome)
    {
        // The request has been made; losing its outcome to a database blip would deliver it again after the lease
        // expires, so try a little harder before giving up.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await outcomes.WriteAsync(outcome, CancellationToken.None);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException && attempt < RecordRetryDelays.Length)
            {
                logger.LogWarning("Recording attempt {AttemptNo} of delivery {DeliveryId} failed ({Message}); retrying", outcome.Claim.AttemptNo, outcome.Claim.DeliveryId, exception.Message);
                await Task.Delay(RecordRetryDelays[attempt], timeProvider);
            }
        }
    }

    internal static (string Action, string Details) AuditFor(ClaimedDelivery claim, DeliveryAttemptResult result, DeliveryVerdict verdict) => verdict.Kind switch
    {
        DeliveryVerdictKind.Processed => ("event.processed", Serialize(new
        {
            attemptNo = verdict.AttemptNo,
            httpStatus = result.HttpStatus,
            durationMs = result.DurationMs,
            correlationId = claim.Target.CorrelationId,
            replayRequestId = claim.ReplayRequestId,
            destinationId = claim.Target.DestinationId,
            deliveryId = claim.DeliveryId,
        })),
        DeliveryVerdictKind.RetryScheduled => ("event.retry_scheduled", Serialize(new
        {
            attemptNo = verdict.NextAttemptNo,
            delayMs = (long)verdict.Delay!.Value.TotalMilliseconds,
            correlationId = claim.Target.CorrelationId,
            reason = result.Error,
            destinationId = claim.Target.DestinationId,
            deliveryId = claim.DeliveryId,
        })),
        _ => ("event.failed", Serialize(new
        {
            attemptNo = verdict.AttemptNo,
            correlationId = claim.Target.CorrelationId,
            reason = result.Error,
            replayRequestId = claim.ReplayRequestId,
            destinationId = claim.Target.DestinationId,
            deliveryId = claim.DeliveryId,
        })),
    };

    private static string Serialize(object details) => JsonSerializer.Serialize(details, JsonSerializerOptions.Web);

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    /// <summary>Waits for the fan-outs and outcomes handed over to be written.</summary>
    public async ValueTask DisposeAsync()
    {
        await fanOuts.DisposeAsync();
        await outcomes.DisposeAsync();
    }

    // Correlation ids come from callers' X-Request-Id; never let one smuggle a header line.
    private static string HeaderSafe(string value) =>
        value.Any(char.IsControl) ? new string(value.Where(c => !char.IsControl(c)).ToArray()) : value;
}
