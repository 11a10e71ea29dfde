using Yarp.ReverseProxy.Configuration;

namespace Relay.Gateway.ApiReference;

/// <summary>
/// Which upstream cluster the gateway sends an operation to, decided from the YARP routes as the proxy decides it
/// (path template, methods, lowest Order first), so the public document lists exactly what the gateway forwards.
/// Paths under <c>/api/v1/internal</c> are development helpers (hidden in Production) and are never published.
/// </summary>
public static class GatewayRouteTable
{
    private static readonly PathString InternalPrefix = "/api/v1/internal";

    /// <param name="path">An OpenAPI path template such as <c>/api/v1/events/{id}</c>.</param>
    public static string? ClusterFor(IEnumerable<RouteConfig> routes, string method, string path)
    {
        if (new PathString(path).StartsWithSegments(InternalPrefix))
        {
            return null;
        }
        return routes
            .Where(route => route.Match.Path is { } template && Matches(template, path)
                && (route.Match.Methods is not { Count: > 0 } methods || methods.Contains(method, StringComparer.OrdinalIgnoreCase)))
            .OrderBy(route => route.Order ?? 0)
            .Select(route => route.ClusterId)
            .FirstOrDefault();
    }

    /// <summary>
    /// A YARP path template against an OpenAPI path: literals compare without case, as routing does; a route
    /// parameter takes any one segment; a catch-all (<c>{**rest}</c>) takes the rest, none included.
    /// </summary>
    internal static bool Matches(string template, string path)
    {
        var routeSegments = Segments(template);
        var pathSegments = Segments(path);
        for (var i = 0; i < routeSegments.Length; i++)
        {
            var segment = routeSegments[i];
            if (segment.StartsWith("{*", StringComparison.Ordinal))
            {
                return true;
            }
            if (i >= pathSegments.Length)
            {
                return false;
            }
            var isParameter = segment.StartsWith('{') && segment.EndsWith('}');
            if (!isParameter && !string.Equals(segment, pathSegments[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return routeSegments.Length == pathSegments.Length;
    }

    private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
