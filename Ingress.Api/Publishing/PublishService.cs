using System.Security.Cryptography;
using System.Text.Json;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Relay.Contracts;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Providers;
using Relay.Ingress.Api.Ingestion;
using Relay.Ingress.Api.Providers;

namespace Relay.Ingress.Api.Publishing;

/// <summary>
/// Publishes an operator's own event into the webhook pipeline: validated, attached to an integration
/// (<see cref="PublishTargets"/>), written exactly as an accepted webhook is (raw request, normalized event
/// <c>{provider, eventType, externalEventId, data}</c>, job, audit, outbox), so it is fanned out to that integration's
/// destinations, delivered, listed and replayable like any event. Without an <c>Idempotency-Key</c> it joins the
/// webhooks' group commit; with one, the key is claimed in the event's own transaction
/// (<see cref="PublishIdempotencyRepository"/>) and a repeat gets the first answer again.
/// </summary>
public sealed class PublishService(
    PublishTargets targets,
    PublishIdempotencyRepository idempotency,
    GroupCommit<NewEvent, StoredEvent> ingestWriter,
    DatabaseRetry databaseRetry,
    TimeProvider timeProvider,
    IOptions<IngressOptions> options,
    ILogger<PublishService> logger)
{
    public const int MaxIdempotencyKeyLength = 255;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };

    public async Task<PublishOutcome> PublishAsync(IncomingPublish published, CancellationToken cancellationToken)
    {
        if (published.IdempotencyKey is { } key && !IsValidIdempotencyKey(key))
        {
            return PublishOutcome.Fail(ApiError.Validation("Invalid Idempotency-Key header",
                new Dictionary<string, string> { ["Idempotency-Key"] = $"must be 1-{MaxIdempotencyKeyLength} printable ASCII characters" }));
        }
        if (!System.Text.Unicode.Utf8.IsValid(published.Body))
        {
            return PublishOutcome.Fail(ApiError.Validation("Request body must be a JSON object", new { body = "must be UTF-8 encoded JSON" }));
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(published.Body, JsonOptions);
        }
        catch (JsonException)
        {
            return PublishOutcome.Fail(ApiError.Validation("Request body must be a JSON object"));
        }
        using var _ = document;
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return PublishOutcome.Fail(ApiError.Validation("Request body must be a JSON object"));
        }
        var (request, errors) = PublishRequest.Parse(document.RootElement);
        if (request is null)
        {
            return PublishOutcome.Fail(ApiError.Validation("Invalid event", errors));
        }
        var (target, targetError) = await targets.ResolveAsync(request, cancellationToken);
        if (target is null)
        {
            return PublishOutcome.Fail(targetError!);
        }

        var now = timeProvider.GetUtcNow();
        var eventId = Guid.CreateVersion7(now);
        var externalEventId = request.EventId ?? eventId.ToString();
        var normalizedPayload = PayloadFields.BuildPayload(target.Provider, request.EventType, externalEventId, "data", request.Payload);
        // As for a webhook: the normalized payload must be jsonb, and is delivered as jsonb's text (see WebhookIngestionService).
        var inspection = JsonbInspector.Inspect(JsonMarshal.GetRawUtf8Value(normalizedPayload));
        if (!inspection.Storable)
        {
            return PublishOutcome.Fail(ApiError.Validation("Invalid event", new Dictionary<string, string> { [PayloadPath(inspection.ProblemPath!)] = inspection.Problem! }));
        }
        if (inspection.TextLength > options.Value.MaxDeliveryBodyBytes)
        {
            return PublishOutcome.Fail(new ApiError(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The event would be delivered as {inspection.TextLength} bytes, above the {options.Value.MaxDeliveryBodyBytes}-byte delivery limit",
                new { deliveryBodyBytes = inspection.TextLength, maxDeliveryBodyBytes = options.Value.MaxDeliveryBodyBytes }));
        }

        var sourceIp = published.SourceIp?.IsIPv4MappedToIPv6 == true ? published.SourceIp.MapToIPv4() : published.SourceIp;
        var newEvent = new NewEvent(
            WebhookId: Guid.CreateVersion7(now),
            EventId: eventId,
            JobId: Guid.CreateVersion7(now),
            IntegrationId: target.IntegrationId,
            Provider: target.Provider,
            ExternalEventId: externalEventId,
            IdempotencyKey: IdempotencyKey.For(target.Provider, externalEventId, normalizedPayload),
            RequestHeaders: StoredRequestHeaders.Serialize(published.Headers, sourceIp?.ToString()),
            RawBody: published.Body,
            RawBodyFitsJsonb: JsonbInspector.Inspect(published.Body).Storable,
            SourceIp: sourceIp?.ToString(),
            ReceivedAt: now,
            EventType: request.EventType,
            Subject: request.Subject,
            OccurredAt: request.OccurredAt ?? now,
            NormalizedPayload: normalizedPayload.GetRawText(),
            CorrelationId: published.CorrelationId,
            Outbox: OutboxEntry.For(
                new EventAccepted(eventId, target.Provider, published.CorrelationId, now),
                new OutboxAudit("normalized_event", eventId, "event.queued", new { correlationId = published.CorrelationId })),
            PublishedBy: published.ApiKeyId);

        if (published.IdempotencyKey is not { } idempotencyKey)
        {
            // Written with the webhooks arriving meanwhile, in one transaction that committed or did not: safe to repeat.
            var stored = await databaseRetry.ExecuteAsync(token => ingestWriter.WriteAsync(newEvent, token), cancellationToken);
            return Published(newEvent, Answer(newEvent, stored));
        }
        var claim = new IdempotencyClaim(published.ApiKeyId, idempotencyKey, SHA256.HashData(IdempotencyKey.CanonicalJson(document.RootElement)));
        // One transaction: repeated whole after a failure, it either committed (the repeat finds the key, with this body) or not.
        var outcome = await databaseRetry.ExecuteAsync(token => idempotency.PublishOnceAsync(claim, newEvent, stored => Answer(newEvent, stored), token), cancellationToken);
        if (outcome.Answer is { } first)
        {
            return Published(newEvent, first);
        }
        if (outcome.Earlier is { } earlier)
        {
            return CryptographicOperations.FixedTimeEquals(earlier.RequestHash, claim.RequestHash)
                ? new PublishOutcome(earlier.Answer, true, null)
                : PublishOutcome.Fail(new ApiError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
                    "This Idempotency-Key was already used for a request with a different body", new { idempotencyKey }));
        }
        return PublishOutcome.Fail(ApiError.Conflict("A request with this Idempotency-Key is still being processed; send it again shortly", new { idempotencyKey }));
    }

    /// <summary>1-255 printable ASCII characters (what a header carries without escaping).</summary>
    public static bool IsValidIdempotencyKey(string key) => key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= ' ' and <= '~');

    /// <summary>202 with the new event, or 200 naming the event already stored with the same <c>eventId</c>; as the webhook route answers.</summary>
    private static StoredAnswer Answer(NewEvent newEvent, StoredEvent stored)
    {
        var (status, response) = stored.Duplicate
            ? (StatusCodes.Status200OK, new IngestResponse(stored.EventId, "duplicate", true, $"duplicate:{stored.EventId}"))
            : (StatusCodes.Status202Accepted, new IngestResponse(newEvent.EventId, "queued", false, newEvent.CorrelationId));
        return new StoredAnswer(status, JsonSerializer.Serialize(new ApiEnvelope<IngestResponse>(response), JsonSerializerOptions.Web));
    }

    private PublishOutcome Published(NewEvent newEvent, StoredAnswer answer)
    {
        if (answer.StatusCode == StatusCodes.Status202Accepted)
        {
            logger.LogInformation("Published {Provider} event {ExternalEventId} as event {EventId} ({EventType}, key {ApiKeyId}, correlation {CorrelationId})",
                newEvent.Provider, newEvent.ExternalEventId, newEvent.EventId, newEvent.EventType, newEvent.PublishedBy, newEvent.CorrelationId);
        }
        return new PublishOutcome(answer, false, null);
    }

    /// <summary>The request's name for a place in the normalized payload: its <c>data</c> is the request's <c>payload</c>.</summary>
    private static string PayloadPath(string normalizedPath) =>
        normalizedPath.StartsWith("data", StringComparison.Ordinal) ? "payload" + normalizedPath[4..] : normalizedPath;
}
