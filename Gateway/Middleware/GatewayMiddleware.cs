using Relay.Gateway.Forwarding;
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
    /// and for a chunked body when it passes the limit while being forwarded (see <see cref="ProxyFailure"/>).
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

    /// <summary>
    /// A header value with a byte outside ASCII: HttpClient refuses to send one upstream, which used to make every
    /// route answer 503. Kestrel reads header bytes as Latin-1 here (see <see cref="Extensions.GatewayServiceCollectionExtensions"/>),
    /// so every such byte, valid UTF-8 or not, is refused the same way. The header is named (names are tokens Kestrel
    /// has checked); its value is never echoed.
    /// </summary>
    internal static Task RejectNonAsciiHeaders(HttpContext context, Func<Task> next)
    {
        var header = FirstNonAsciiHeader(context.Request.Headers);
        if (header is null)
        {
            return next();
        }
        return header.Length <= MaxEchoedHeaderName
            ? ApiError.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.Validation, $"Header '{header}' must contain only ASCII characters", new { header })
            : ApiError.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.Validation, "A header must contain only ASCII characters");
    }

    private const int MaxEchoedHeaderName = 64;

    internal static string? FirstNonAsciiHeader(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                if (value is not null && !System.Text.Ascii.IsValid(value))
                {
                    return name;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// A method the matched route does not serve (TRACE, CONNECT, PROPFIND, anything made up; see <see cref="AllowedMethods"/>
    /// for management's standard methods) answers 405 with <c>Allow</c> here, instead of reaching YARP, which cannot
    /// send some of them and answered 503. Unknown methods get 405 as well, not 501: the client sent something this
    /// route does not take, and no 5xx is the client's fault.
    /// </summary>
    internal static Task RejectUnsupportedMethod(HttpContext context, Func<Task> next)
    {
        var allowed = AllowedMethods.Of(context.GetEndpoint());
        if (allowed is null || allowed.Allows(context.Request.Method))
        {
            return next();
        }
        context.Response.Headers.Allow = allowed.Header;
        return ApiError.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed,
            $"Method not allowed; this route accepts {allowed.Header}", new { allow = allowed.Methods });
    }

    /// <summary>Counts the client's body as YARP reads it (see <see cref="RequestBodyProgress"/>); a body-less request is left alone.</summary>
    internal static Task MeasureRequestBody(HttpContext context, Func<Task> next)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            var progress = new RequestBodyProgress(context.Request.Body, context.RequestServices.GetRequiredService<TimeProvider>());
            context.Features.Set(progress);
            context.Request.Body = progress;
        }
        return next();
    }

    /// <summary>YARP answers proxy failures with bare status codes; give them the envelope and one log line.</summary>
    internal static async Task TranslateProxyErrors(HttpContext context, Func<Task> next)
    {
        await next();
        var error = context.GetForwarderErrorFeature();
        if (error is null)
        {
            return;
        }
        var failure = ProxyFailure.Classify(error.Error, error.Exception, context.Response.StatusCode);
        if (failure.StatusCode == StatusCodes.Status503ServiceUnavailable && error.Error == ForwarderError.RequestBodyDestination
            && context.Features.Get<RequestBodyProgress>() is { } progress
            && context.Features.Get<Microsoft.AspNetCore.Server.Kestrel.Core.Features.IHttpMinRequestBodyDataRateFeature>()?.MinDataRate is { } minRate
            && progress.WasBelow(minRate))
        {
            // The upstream's own data-rate check cut the client a moment before the gateway's did.
            failure = ProxyFailure.TooSlow;
        }
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
        if (logger.IsEnabled(failure.LogLevel))
        {
            logger.Log(failure.LogLevel, "{Method} {Path} not forwarded: {Error}, answered {StatusCode} ({Cause})",
                ProxyFailure.OneLine(context.Request.Method, 20), ProxyFailure.OneLine(context.Request.Path.Value ?? "", 200),
                error.Error, failure.StatusCode, ProxyFailure.Describe(error.Exception));
        }
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            // Mid-response, or nobody left to answer: YARP has already reset or aborted the connection.
            return;
        }
        await ApiError.WriteAsync(context, failure.StatusCode, failure.Code, failure.Message);
    }

    /// <summary>The gateway's one-line forwarding failures; YARP's own (with stack traces) are filtered out.</summary>
    public const string LogCategory = "Relay.Gateway.Forwarding";
}
