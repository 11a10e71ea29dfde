using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.Management.Api.Security;

/// <summary>
/// The scope each management request needs, by a convention on its method and path rather than per route, so a
/// route added later is covered the day it is mapped: <c>/api/v1/api-keys…</c> needs <c>admin</c>; any other GET (or
/// HEAD) <c>read</c>; a replay (<c>POST /api/v1/events/{id}/replay</c>, or anything but a read under
/// <c>/api/v1/replays</c>) <c>replay</c>; every other method <c>write</c>. <c>admin</c> grants them all.
/// </summary>
public static class RouteScopes
{
    private static readonly PathString ApiKeys = "/api/v1/api-keys";
    private static readonly PathString Replays = "/api/v1/replays";
    private static readonly PathString Events = "/api/v1/events";

    public static string For(string method, PathString path)
    {
        if (path.StartsWithSegments(ApiKeys))
        {
            return ApiKeyScopes.Admin;
        }
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            return ApiKeyScopes.Read;
        }
        return IsReplay(path) ? ApiKeyScopes.Replay : ApiKeyScopes.Write;
    }

    /// <summary>Under <c>/api/v1/replays</c>, or exactly <c>/api/v1/events/{id}/replay</c> (a trailing slash allowed).</summary>
    private static bool IsReplay(PathString path)
    {
        if (path.StartsWithSegments(Replays))
        {
            return true;
        }
        if (!path.StartsWithSegments(Events, StringComparison.OrdinalIgnoreCase, out var rest) || !rest.HasValue)
        {
            return false;
        }
        var segments = rest.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 2 && string.Equals(segments[1], "replay", StringComparison.OrdinalIgnoreCase);
    }
}
