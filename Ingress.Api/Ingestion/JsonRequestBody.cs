using System.Buffers;
using Relay.Infrastructure.Http;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// The body of a request that must carry JSON (a webhook, a published event): a JSON media type in UTF-8, not
/// compressed, and at most the size limit, or the 415 or 413 that says why not.
/// </summary>
public static class JsonRequestBody
{
    public static async Task<(byte[]? Body, ApiError? Error)> ReadAsync(HttpContext context, long maxBodyBytes, CancellationToken cancellationToken)
    {
        var request = context.Request;
        switch (WebhookRequestFormat.CheckContentType(request.ContentType))
        {
            case ContentTypeVerdict.NotJson:
                return (null, new ApiError(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Content-Type must be application/json or application/<type>+json"));
            case ContentTypeVerdict.UnsupportedCharset:
                return (null, new ApiError(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Content-Type charset must be utf-8 (JSON is UTF-8)"));
        }
        if (!WebhookRequestFormat.IsIdentityEncoding(request.Headers.ContentEncoding))
        {
            // RFC 7694: name the codings the server accepts.
            context.Response.Headers.AcceptEncoding = "identity";
            return (null, new ApiError(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Content-Encoding is not supported: send the body uncompressed (identity)"));
        }
        if (request.ContentLength > maxBodyBytes)
        {
            return (null, TooLarge(maxBodyBytes));
        }
        var body = await ReadBoundedAsync(request, maxBodyBytes, cancellationToken);
        return body is null ? (null, TooLarge(maxBodyBytes)) : (body, null);
    }

    private static ApiError TooLarge(long maxBodyBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"Request body exceeds {maxBodyBytes} bytes");

    /// <summary>Reads the whole body, or returns null once it passes the limit (chunked bodies have no Content-Length to check first).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
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
