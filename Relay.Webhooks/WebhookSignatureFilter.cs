using System.Buffers;
using System.IO.Pipelines;
using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Logging;

namespace Relay.Webhooks;

/// <summary>
/// Reads the request body into a rewindable buffer, verifies the Standard Webhooks signature over it, rewinds it for
/// the handler, and answers 401 or 413 instead of calling the handler when the request does not pass.
/// </summary>
internal sealed partial class WebhookSignatureFilter(
    Func<IServiceProvider, WebhookVerifier> verifierFactory,
    long maxBodyBytes,
    ILogger logger) : IEndpointFilter
{
    private const int InitialBufferBytes = 16 * 1024;

    // EnableBuffering spills to a temporary file past its threshold; a webhook body this small stays in memory.
    private const int MemoryBufferBytes = 1024 * 1024;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        if (request.ContentLength > maxBodyBytes)
        {
            return TooLarge();
        }

        if (!request.Body.CanSeek && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: true })
        {
            // The server has started reading a body that cannot be rewound: a handler parameter bound from it (the
            // binder runs before endpoint filters) or middleware took it, and what is left is not the signed body.
            throw new InvalidOperationException(
                "The request body was read before RequireWebhookSignature could verify it. Bind no handler parameter from the body; take HttpRequest and read request.Body instead.");
        }

        request.EnableBuffering((int)Math.Min(maxBodyBytes, MemoryBufferBytes), maxBodyBytes + 1);
        var body = request.Body;
        // Middleware may have buffered and read the body already.
        body.Position = 0;

        var (buffer, length) = await ReadAsync(body, request.ContentLength, http.RequestAborted);
        WebhookVerificationResult result;
        try
        {
            if (length > maxBodyBytes)
            {
                return TooLarge();
            }
            result = verifierFactory(http.RequestServices).Verify(request.Headers, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!result.IsValid)
        {
            LogRejected(logger, request.Path, result.Failure);
            return TypedResults.Json(new ErrorBody(result.Message), WebhookJsonContext.Default.ErrorBody, statusCode: StatusCodes.Status401Unauthorized);
        }

        body.Position = 0;
        return await next(context);
    }

    /// <summary>
    /// Refuses, when the endpoint is built, handlers that take the body as a parameter: the binder reads it before
    /// any endpoint filter, so the handler would get a body that was never verified or one already read.
    /// </summary>
    public static void EnsureHandlerDoesNotBindTheBody(MethodInfo handler)
    {
        foreach (var parameter in handler.GetParameters())
        {
            var type = parameter.ParameterType;
            var bindsBody = type == typeof(Stream) || type == typeof(PipeReader)
                || typeof(IFormFile).IsAssignableFrom(type) || typeof(IFormFileCollection).IsAssignableFrom(type)
                || typeof(IFormCollection).IsAssignableFrom(type)
                || parameter.GetCustomAttributes(inherit: true).Any(attribute => attribute is IFromBodyMetadata or IFromFormMetadata);
            if (bindsBody)
            {
                throw new InvalidOperationException(
                    $"Parameter '{parameter.Name}' of {handler.DeclaringType?.Name}.{handler.Name} is bound from the request body, which happens before RequireWebhookSignature verifies it. Take HttpRequest and read request.Body instead.");
            }
        }
    }

    private async ValueTask<(byte[] Buffer, int Length)> ReadAsync(Stream body, long? declaredLength, CancellationToken cancellationToken)
    {
        // One byte past the limit is read to tell a body that is too large from one that fits exactly.
        var limit = (int)(maxBodyBytes + 1);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min((declaredLength ?? InitialBufferBytes) + 1, limit));
        var length = 0;
        try
        {
            while (length < limit)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, limit));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit) - length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        return (buffer, length);
    }

    private IResult TooLarge() =>
        TypedResults.Json(
            new ErrorBody($"The request body is larger than {maxBodyBytes} bytes."),
            WebhookJsonContext.Default.ErrorBody,
            statusCode: StatusCodes.Status413PayloadTooLarge);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused an unsigned or badly signed webhook to {Path}: {Failure}")]
    private static partial void LogRejected(ILogger logger, PathString path, WebhookVerificationFailure failure);

    internal sealed record ErrorBody([property: JsonPropertyName("error")] string Error);
}

// Source-generated so the error body is always {"error":"..."}, whatever JSON options the application sets.
[JsonSerializable(typeof(WebhookSignatureFilter.ErrorBody))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
