using Relay.Infrastructure.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Gateway.Middleware;

/// <summary>The gateway's own steps in front of the proxy, and the proxy pipeline's.</summary>
internal static class GatewayMiddleware
{
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>Route metadata: a body limit below the gateway's own, for upstreams that accept less (Management.Api).</summary>
    private const string RouteBodyLimitKey = "MaxRequestBodyBytes";

    /// <summary>The delivery sink is a development helper: in Production it must not be reachable from outside.</summary>
    internal static Task HideInternalRoutes(HttpContext context, RequestDelegate next) =>
        context.Request.Path.StartsWithSegments("/api/v1/internal")
            ? ApiError.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Route not found")
            : next(context);

    /// <summary>Keeps a sane caller-supplied request id, else makes one; sends it upstream and back to the caller.</summary>
    internal static Task AssignRequestId(HttpContext context, Func<Task> next)
    {
        var supplied = context.Request.Headers[RequestIdHeader].ToString();
        var requestId = IsAcceptableRequestId(supplied) ? supplied : Guid.NewGuid().ToString();
        context.Request.Headers[RequestIdHeader] = requestId;
        context.TraceIdentifier = requestId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[RequestIdHeader] = requestId;
            return Task.CompletedTask;
        });
        return next();
    }

    internal static bool IsAcceptableRequestId(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    internal static Task RejectOversizedBody(HttpContext context, Func<Task> next, long maxBodyBytes) =>
        context.Request.ContentLength > maxBodyBytes
            ? ApiError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"Request body exceeds {maxBodyBytes} bytes")
            : next();

    /// <summary>
    /// An upstream with a smaller body limit than the gateway's (Management.Api: 64 KiB) closes the connection on a
    /// larger body, often before its 413 reaches the gateway, which would then answer 503. So the gateway enforces a
    /// route's own limit (route metadata <c>MaxRequestBodyBytes</c>) itself: 413 at once for a declared length,
    /// and for a chunked body when it passes the limit while being forwarded (see <see cref="TranslateProxyErrors"/>).
    /// </summary>
    internal static Task ApplyRouteBodyLimit(HttpContext context, Func<Task> next)
    {
        var metadata = context.GetReverseProxyFeature().Route.Config.Metadata;
        if (metadata is null || !metadata.TryGetValue(RouteBodyLimitKey, out var configured) || !long.TryParse(configured, out var limit))
        {
            return next();
        }
        if (context.Request.ContentLength > limit)
        {
            return ApiError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"Request body exceeds {limit} bytes");
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = Math.Min(limit, bodySize.MaxRequestBodySize ?? limit);
        }
        return next();
    }

    /// <summary>Kestrel's "body too large", which YARP may report wrapped (an AggregateException with the upstream's failure).</summary>
    private static bool IsBodyTooLarge(Exception? exception) => exception switch
    {
        null => false,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsBodyTooLarge),
        _ => IsBodyTooLarge(exception.InnerException),
    };

    /// <summary>YARP answers proxy failures with bare status codes; give them the envelope.</summary>
    internal static async Task TranslateProxyErrors(HttpContext context, Func<Task> next)
    {
        await next();
        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }
        if (IsBodyTooLarge(error.Exception))
        {
            await ApiError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "Request body is too large");
            return;
        }
        switch (error.Error)
        {
            case ForwarderError.RequestBodyClient or ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled:
                await ApiError.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.Validation, "The request body could not be read");
                break;
            default:
                await ApiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.DependencyUnavailable, "The upstream service is unavailable; try again shortly");
                break;
        }
    }
}
