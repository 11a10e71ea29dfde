using Microsoft.Extensions.Primitives;
using Relay.Infrastructure.Http;

namespace Relay.Management.Api.Security;

/// <summary>
/// Guards every path under the management prefixes, before routing decides anything, so unknown sub-paths
/// answer 401 without the key as well (and 404 with it).
/// </summary>
public sealed class ManagementApiKeyMiddleware(RequestDelegate next, ManagementApiKey apiKey)
{
    public static readonly PathString[] ProtectedPrefixes =
    [
        "/api/v1/integrations",
        "/api/v1/events",
        "/api/v1/deliveries",
        "/api/v1/audit-entries",
        "/api/v1/processing-status",
        "/api/v1/replays",
    ];

    public Task InvokeAsync(HttpContext context)
    {
        if (IsProtected(context.Request.Path) && !apiKey.Matches(context.Request.Headers[ManagementApiKey.HeaderName]))
        {
            return ApiError.WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Invalid management API key");
        }
        return next(context);
    }

    // StartsWithSegments compares case-insensitively, as routing does, so /API/V1/EVENTS is guarded too.
    public static bool IsProtected(PathString path) => ProtectedPrefixes.Any(prefix => path.StartsWithSegments(prefix));
}
