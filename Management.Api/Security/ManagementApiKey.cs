using Microsoft.Extensions.Primitives;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Security;

namespace Relay.Management.Api.Security;

/// <summary>The configured management key (<c>Relay:ManagementApiKey</c>), checked once at startup.</summary>
public sealed class ManagementApiKey
{
    public const string ConfigurationKey = "Relay:ManagementApiKey";
    public const string HeaderName = "x-internal-api-key";
    public const int MinimumLength = 16;

    private readonly string key;

    private ManagementApiKey(string key) => this.key = key;

    /// <summary>Refuses a missing or short key in every environment: a guessable key would open every management route.</summary>
    public static ManagementApiKey FromConfiguration(IConfiguration configuration)
    {
        var key = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(key) || key.Length < MinimumLength)
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} must be set to a key of at least {MinimumLength} characters " +
                $"(environment variable Relay__ManagementApiKey); Management.Api will not start without it.");
        }
        return new ManagementApiKey(key);
    }

    public bool Matches(StringValues header) => header.Count == 1 && ConstantTime.Equals(header[0], key);
}

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
