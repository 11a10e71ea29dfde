using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Relay.Gateway.Middleware;

/// <summary>
/// The methods a gateway route serves: endpoint metadata for the gateway's own endpoints (health), route metadata
/// <c>AllowedMethods</c> ("GET, POST") for the proxied ones. A route that names none is not checked here. A route
/// with <c>UpstreamAnswersStandardMethods: true</c> (management: it checks its key before its routes, so a PUT without
/// the key is a 401 there, as the contract says) has only the methods the gateway never forwards refused here:
/// CONNECT, TRACE and anything that is not a standard method.
/// </summary>
public sealed class AllowedMethods
{
    /// <summary>The route metadata keys in <c>ReverseProxy:Routes:{name}:Metadata</c>.</summary>
    public const string MetadataKey = "AllowedMethods";
    public const string UpstreamAnswersStandardMethodsKey = "UpstreamAnswersStandardMethods";

    // The methods of RFC 9110 and PATCH less CONNECT (a tunnel, not a request for the route) and TRACE (echoes the
    // request, credentials included, back to whoever can read the answer).
    private static readonly string[] StandardMethods =
        [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete, HttpMethods.Options];

    // Parsed once per route configuration (a reload brings new RouteConfig objects, and with them new entries).
    private static readonly ConditionalWeakTable<RouteConfig, AllowedMethods?> FromRoutes = new();

    public AllowedMethods(params string[] methods)
        : this(methods, upstreamAnswersStandardMethods: false)
    {
    }

    private AllowedMethods(string[] methods, bool upstreamAnswersStandardMethods)
    {
        Methods = methods;
        Header = string.Join(", ", methods);
        UpstreamAnswersStandardMethods = upstreamAnswersStandardMethods;
    }

    public IReadOnlyList<string> Methods { get; }

    public bool UpstreamAnswersStandardMethods { get; }

    /// <summary>The <c>Allow</c> header's value.</summary>
    public string Header { get; }

    /// <summary>Whether the gateway passes the method on (to be served, or judged by the upstream).</summary>
    public bool Allows(string method) =>
        Contains(Methods, method) || (UpstreamAnswersStandardMethods && Contains(StandardMethods, method));

    private static bool Contains(IReadOnlyList<string> methods, string method)
    {
        foreach (var candidate in methods)
        {
            if (string.Equals(candidate, method, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    public static AllowedMethods? Parse(string? configured, bool upstreamAnswersStandardMethods = false)
    {
        var methods = (configured ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return methods.Length == 0 ? null : new AllowedMethods([.. methods.Select(method => method.ToUpperInvariant())], upstreamAnswersStandardMethods);
    }

    public static AllowedMethods? Of(Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            return null;
        }
        if (endpoint.Metadata.GetMetadata<AllowedMethods>() is { } own)
        {
            return own;
        }
        if (endpoint.Metadata.GetMetadata<RouteModel>()?.Config is not { } route)
        {
            return null;
        }
        return FromRoutes.GetValue(route, static config =>
            config.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var configured)
                ? Parse(configured, metadata.TryGetValue(UpstreamAnswersStandardMethodsKey, out var upstream) && bool.TryParse(upstream, out var answers) && answers)
                : null);
    }
}
