using Microsoft.Net.Http.Headers;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.Management.Api.Security;

/// <summary>
/// Guards every path under the management prefixes, before routing decides anything, so unknown sub-paths
/// answer 401 without a key as well (and 404 with one). An address that sent too many wrong keys is refused
/// with 429 before its key is even looked at (<see cref="ManagementKeyThrottle"/>). A valid key (an API key, or the
/// configured management key, which has every scope) becomes <c>HttpContext.User</c>; one without the scope the
/// request needs (<see cref="RouteScopes"/>) gets 403.
/// </summary>
public sealed class ManagementApiKeyMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator, ManagementKeyThrottle throttle)
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
        "/api/v1/api-keys",
        "/api/v1/stats",
        "/api/v1/me",
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
        var authentication = await authenticator.AuthenticateAsync(context.Request.Headers, context.RequestAborted);
        if (authentication.Principal is not { } principal)
        {
            await throttle.RecordFailureAsync(client,
                authentication.Outcome == ApiKeyAuthenticationOutcome.Missing ? ManagementAuthTelemetry.MissingKey : ManagementAuthTelemetry.InvalidKey, context.RequestAborted);
            await ApiError.WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Invalid management API key");
            return;
        }
        context.User = principal;
        var scope = RouteScopes.For(context.Request.Method, context.Request.Path);
        if (!ApiKeyClaims.HasScope(principal, scope))
        {
            await ApiError.Forbidden($"This API key does not have the '{scope}' scope this request needs", scope).ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    // StartsWithSegments compares case-insensitively, as routing does, so /API/V1/EVENTS is guarded too.
    public static bool IsProtected(PathString path) => ProtectedPrefixes.Any(prefix => path.StartsWithSegments(prefix));
}
