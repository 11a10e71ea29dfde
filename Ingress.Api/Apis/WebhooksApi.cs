using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Http;
using Relay.Ingress.Api.Admission;
using Relay.Ingress.Api.Ingestion;

namespace Relay.Ingress.Api.Apis;

public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/webhooks");
        api.MapPost("/{provider}", ReceiveWebhook);
        return api;
    }

    public static async Task<Results<Accepted<ApiEnvelope<IngestResponse>>, Ok<ApiEnvelope<IngestResponse>>, ApiError>> ReceiveWebhook(
        string provider,
        HttpContext context,
        WebhookIngestionService ingestion,
        IngestAdmission admission,
        IOptions<IngressOptions> options,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        switch (WebhookRequestFormat.CheckContentType(request.ContentType))
        {
            case ContentTypeVerdict.NotJson:
                return new ApiError(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Content-Type must be application/json or application/<type>+json");
            case ContentTypeVerdict.UnsupportedCharset:
                return new ApiError(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Content-Type charset must be utf-8 (JSON is UTF-8)");
        }
        if (!WebhookRequestFormat.IsIdentityEncoding(request.Headers.ContentEncoding))
        {
            // RFC 7694: name the codings the server accepts.
            context.Response.Headers.AcceptEncoding = "identity";
            return new ApiError(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Content-Encoding is not supported: send the body uncompressed (identity)");
        }
        var maxBodyBytes = options.Value.MaxBodyBytes;
        if (request.ContentLength > maxBodyBytes)
        {
            return new ApiError(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"Request body exceeds {maxBodyBytes} bytes");
        }
        var body = await ReadBodyAsync(request, maxBodyBytes, cancellationToken);
        if (body is null)
        {
            return new ApiError(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"Request body exceeds {maxBodyBytes} bytes");
        }

        if (!await admission.TryEnterAsync(cancellationToken))
        {
            context.Response.SetRetryAfter(admission.RetryAfter);
            return ApiError.Overloaded("Relay is at capacity and did not take this webhook; send it again after Retry-After", admission.RetryAfter);
        }
        IngestOutcome outcome;
        try
        {
            outcome = await ingestion.IngestAsync(
                new IncomingWebhook(provider, body, request.Headers, context.Connection.RemoteIpAddress, CorrelationIdOf(context)),
                cancellationToken);
        }
        finally
        {
            admission.Exit();
        }
        if (outcome.RetryAfter is { } retryAfter)
        {
            context.Response.SetRetryAfter(retryAfter);
        }
        return outcome switch
        {
            { Accepted: { } accepted } => ApiResults.Accepted(accepted),
            { Duplicate: { } duplicate } => ApiResults.Ok(duplicate),
            _ => outcome.Error!,
        };
    }

    /// <summary>The gateway's request id ties the webhook, its delivery and the logs together.</summary>
    private static string CorrelationIdOf(HttpContext context)
    {
        var requestId = context.Request.Headers["x-request-id"].ToString();
        return requestId.Length is > 0 and <= 128 ? requestId : Guid.NewGuid().ToString();
    }

    /// <summary>Reads the whole body, or returns null once it passes the limit (chunked bodies have no Content-Length to check first).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
    {
        var initialSize = (int)Math.Min(request.ContentLength ?? 4096, maxBodyBytes);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(initialSize, 256));
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > maxBodyBytes)
            {
                return null;
            }
        }
    }
}
