using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Relay.Delivery.Worker.Persistence;

namespace Relay.Delivery.Worker.Delivery;

/// <summary>
/// Delivers one event: claim it, POST its normalized payload to the integration's callback URL, and record the
/// attempt with its consequences (processed, retry scheduled, or failed) in one lease-guarded transaction.
/// </summary>
public sealed class DeliveryService(
    DeliveryRepository repository,
    IHttpClientFactory httpClientFactory,
    DeliveryTelemetry telemetry,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    ILogger<DeliveryService> logger)
{
    public const string HttpClientName = "delivery";
    internal const int ResponseExcerptBytes = 2048;
    internal const int MaxErrorLength = 1000;
    internal const string InactiveIntegrationError = "Integration is inactive";

    private static readonly TimeSpan[] RecordRetryDelays = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    /// <summary>
    /// Delivers the event if this call wins the claim. A message for an event that is already delivered, in flight
    /// elsewhere or not due yet does nothing, so a redelivered or duplicated message never repeats an attempt.
    /// </summary>
    public async Task DeliverAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var claim = await repository.TryClaimAsync(eventId, options.Value.Lease, cancellationToken);
        if (claim is null)
        {
            logger.LogDebug("Event {EventId} not claimable (delivered, in flight or not due); nothing to do", eventId);
            return;
        }
        await DeliverClaimedAsync(claim);
    }

    /// <summary>
    /// Makes and records the attempt of a claimed event. Deliberately not cancellable: once claimed, the attempt
    /// runs to its end (bounded by the delivery timeout) and is recorded, also while the host shuts down.
    /// </summary>
    public async Task DeliverClaimedAsync(ClaimedDelivery claim)
    {
        using var activity = DeliveryTelemetry.ActivitySource.StartActivity("deliver event", ActivityKind.Client);
        activity?.SetTag("relay.event_id", claim.EventId);
        activity?.SetTag("relay.provider", claim.Provider);
        activity?.SetTag("relay.attempt_no", claim.AttemptNo);
        activity?.SetTag("relay.correlation_id", claim.CorrelationId);

        DeliveryAttemptResult result;
        DeliveryVerdict verdict;
        if (!claim.IntegrationActive)
        {
            // No request is made, so no attempt is counted; the event fails at once, as in the seed.
            result = new DeliveryAttemptResult(false, false, null, null, InactiveIntegrationError, 0);
            verdict = new DeliveryVerdict(DeliveryVerdictKind.Failed, claim.AttemptNo, null, null);
        }
        else
        {
            result = await SendAsync(claim);
            var settings = options.Value;
            verdict = RetryPolicy.Decide(result.Succeeded, claim.ProcessingAttempts, claim.AttemptBudgetStart, settings.MaxAttempts, settings.RetryBaseDelayMs);
        }
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
        if (!await RecordAsync(claim, result, verdict, action, details))
        {
            telemetry.LostLeases.Add(1);
            logger.LogWarning("Outcome of attempt {AttemptNo} for event {EventId} discarded: its lease was taken over (replayed or presumed dead meanwhile)", claim.AttemptNo, claim.EventId);
            return;
        }

        switch (verdict.Kind)
        {
            case DeliveryVerdictKind.Processed:
                logger.LogInformation("Event {EventId} delivered on attempt {AttemptNo} ({HttpStatus}, {DurationMs} ms)", claim.EventId, verdict.AttemptNo, result.HttpStatus, result.DurationMs);
                break;
            case DeliveryVerdictKind.RetryScheduled:
                logger.LogInformation("Event {EventId} attempt {AttemptNo} failed ({Error}); attempt {NextAttemptNo} in {Delay}", claim.EventId, verdict.AttemptNo, result.Error, verdict.NextAttemptNo, verdict.Delay);
                break;
            default:
                logger.LogWarning("Event {EventId} failed on attempt {AttemptNo}: {Error}", claim.EventId, verdict.AttemptNo, result.Error);
                break;
        }
    }

    private async Task<DeliveryAttemptResult> SendAsync(ClaimedDelivery claim)
    {
        var settings = options.Value;
        var tags = new TagList { { "relay.provider", claim.Provider } };
        telemetry.Attempts.Add(1, tags);
        var started = timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(settings.Timeout, timeProvider);
        int? httpStatus = null;
        string? body = null;
        string? error;
        var succeeded = false;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, claim.CallbackUrl)
            {
                Content = new StringContent(claim.Payload, Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")),
            };
            request.Headers.TryAddWithoutValidation("x-integration-provider", claim.Provider);
            request.Headers.TryAddWithoutValidation("x-event-id", claim.EventId.ToString());
            request.Headers.TryAddWithoutValidation("x-correlation-id", HeaderSafe(claim.CorrelationId));
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            httpStatus = (int)response.StatusCode;
            succeeded = response.IsSuccessStatusCode;
            body = await ReadExcerptAsync(response, timeout.Token);
            error = succeeded ? null : $"Callback answered HTTP {httpStatus}";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            error = httpStatus is null
                ? $"Delivery timed out after {settings.TimeoutSeconds} s"
                : succeeded ? null : $"Callback answered HTTP {httpStatus}";
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
        return new DeliveryAttemptResult(true, succeeded, httpStatus, body, Truncate(error, MaxErrorLength), (int)Math.Min(int.MaxValue, Math.Ceiling(elapsed.TotalMilliseconds)));
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

    private async Task<bool> RecordAsync(ClaimedDelivery claim, DeliveryAttemptResult result, DeliveryVerdict verdict, string action, string details)
    {
        // The request has been made; losing its outcome to a database blip would deliver it again after the lease
        // expires, so try a little harder before giving up.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await repository.RecordAsync(claim, result, verdict, result.Error, action, details, CancellationToken.None);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException && attempt < RecordRetryDelays.Length)
            {
                logger.LogWarning("Recording attempt {AttemptNo} of event {EventId} failed ({Message}); retrying", claim.AttemptNo, claim.EventId, exception.Message);
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
            correlationId = claim.CorrelationId,
            replayRequestId = claim.ReplayRequestId,
        })),
        DeliveryVerdictKind.RetryScheduled => ("event.retry_scheduled", Serialize(new
        {
            attemptNo = verdict.NextAttemptNo,
            delayMs = (long)verdict.Delay!.Value.TotalMilliseconds,
            correlationId = claim.CorrelationId,
            reason = result.Error,
        })),
        _ => ("event.failed", Serialize(new
        {
            attemptNo = verdict.AttemptNo,
            correlationId = claim.CorrelationId,
            reason = result.Error,
            replayRequestId = claim.ReplayRequestId,
        })),
    };

    private static string Serialize(object details) => JsonSerializer.Serialize(details, JsonSerializerOptions.Web);

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    // Correlation ids come from callers' X-Request-Id; never let one smuggle a header line.
    private static string HeaderSafe(string value) =>
        value.Any(char.IsControl) ? new string(value.Where(c => !char.IsControl(c)).ToArray()) : value;
}
