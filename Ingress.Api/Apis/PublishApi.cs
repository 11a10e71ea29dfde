using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Http.OpenApi;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.Ingress.Api.Admission;
using Relay.Ingress.Api.Ingestion;
using Relay.Ingress.Api.Publishing;

namespace Relay.Ingress.Api.Apis;

/// <summary>
/// <c>POST /api/v1/events</c>: an operator's own system publishes an event into the webhook pipeline, with an API key
/// that has the <c>write</c> scope (or the configured management key). The gateway routes this method and path here;
/// every other request under <c>/api/v1/events</c> goes to Management.Api.
/// </summary>
public static class PublishApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapPublishApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/events", PublishEvent).WithName(nameof(PublishEvent)).WithTags("Events")
            .WithSummary("Publishes an event to an integration's destinations; Idempotency-Key makes a retry safe for 24 h")
            .RequireKeyInDocument();
        return app;
    }

    public static async Task<Results<StoredAnswerResult, ApiError>> PublishEvent(
        HttpContext context,
        ApiKeyAuthenticator authenticator,
        ProviderRateLimiter rateLimiter,
        PublishService publisher,
        IngestAdmission admission,
        IOptions<IngressOptions> options,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var sourceIp = context.Connection.RemoteIpAddress;
        var authentication = await authenticator.AuthenticateAsync(request.Headers, cancellationToken);
        if (authentication.Principal is not { } principal)
        {
            // Failed keys use the quota of rejected webhooks from the address, so guessing is limited like junk is.
            var limit = await rateLimiter.AcquireAsync("publish", sourceIp?.ToString() ?? "unknown", RateLimitBucket.Rejected, cancellationToken);
            if (!limit.Allowed)
            {
                context.Response.SetRetryAfter(limit.RetryAfter);
                return ApiError.RateLimited("Rate limit exceeded", new { limitPerMinute = limit.LimitPerMinute });
            }
            return ApiError.Unauthorized("Invalid API key");
        }
        context.User = principal;
        if (!ApiKeyClaims.HasScope(principal, ApiKeyScopes.Write))
        {
            return ApiError.Forbidden($"This API key does not have the '{ApiKeyScopes.Write}' scope this request needs", ApiKeyScopes.Write);
        }
        var idempotencyKey = request.Headers[IdempotencyKeyHeader];
        if (idempotencyKey.Count > 1)
        {
            return ApiError.Validation("Invalid Idempotency-Key header", new Dictionary<string, string> { [IdempotencyKeyHeader] = "must be given at most once" });
        }
        var (body, bodyError) = await JsonRequestBody.ReadAsync(context, options.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return bodyError!;
        }

        if (!await admission.TryEnterAsync(cancellationToken))
        {
            context.Response.SetRetryAfter(admission.RetryAfter);
            return ApiError.Overloaded("Relay is at capacity and did not take this event; send it again after Retry-After", admission.RetryAfter);
        }
        PublishOutcome outcome;
        try
        {
            outcome = await publisher.PublishAsync(
                new IncomingPublish(body, request.Headers, sourceIp, CorrelationId.Of(context), ApiKeyClaims.KeyIdOf(principal)!, idempotencyKey.Count == 1 ? idempotencyKey[0] : null),
                cancellationToken);
        }
        finally
        {
            admission.Exit();
        }
        return outcome.Answer is { } answer ? new StoredAnswerResult(answer, outcome.Replayed) : outcome.Error!;
    }
}

/// <summary>A publish answer written as it was stored, so a replay for the same <c>Idempotency-Key</c> is byte for byte the first.</summary>
public sealed class StoredAnswerResult(StoredAnswer answer, bool replayed) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public int? StatusCode => answer.StatusCode;

    public string ContentType => "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = answer.StatusCode;
        httpContext.Response.ContentType = ContentType;
        if (replayed)
        {
            httpContext.Response.Headers[PublishApi.ReplayedHeader] = "true";
        }
        return httpContext.Response.WriteAsync(answer.Body, httpContext.RequestAborted);
    }
}
