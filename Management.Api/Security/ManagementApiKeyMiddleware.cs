using Microsoft.Net.Http.Headers;
using Relay.Infrastructure.Http;

namespace Relay.Management.Api.Security;

/// <summary>
/// Guards every path under the management prefixes, before routing decides anything, so unknown sub-paths
/// answer 401 without the key as well (and 404 with it). An address that sent too many wrong keys is refused
/// with 429 before its key is even looked at (<see cref="ManagementKeyThrottle"/>).
/// </summary>
public sealed class ManagementApiKeyMiddleware(RequestDelegate next, ManagementApiKey apiKey, ManagementKeyThrottle throttle)
{
    public static readonly PathString[] ProtectedPrefixes =
    [
        "/api/v1/integrations",
        "/api/v1/events",
        "/api/v1/deliveries",
        "/api/v1/audit-entries",
        "/api/v1/processing-status",
        "/api/v1/replays",
        "/api/v1/destinations",
        "/api/v1/recoveries",
    ];

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsProtected(context.Request.Path))
        {
            await next(context);
            return;
        }
        var client = ManagementClientAddress.Of(context);
        var decision = await throttle.CheckAsync(client, context.RequestAborted);
        if (decision.IsThrottled)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiError.WriteAsync(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                "Too many failed management API key attempts; try again later", new { retryAfterSeconds = decision.RetryAfterSeconds });
            return;
        }
        var key = context.Request.Headers[ManagementApiKey.HeaderName];
        if (apiKey.Matches(key))
        {
            await next(context);
            return;
        }
        await throttle.RecordFailureAsync(client, key.Count == 0 ? ManagementAuthTelemetry.MissingKey : ManagementAuthTelemetry.InvalidKey, context.RequestAborted);
        await ApiError.WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Invalid management API key");
    }

    // StartsWithSegments compares case-insensitively, as routing does, so /API/V1/EVENTS is guarded too.
    public static bool IsProtected(PathString path) => ProtectedPrefixes.Any(prefix => path.StartsWithSegments(prefix));
}
