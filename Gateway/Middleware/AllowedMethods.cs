using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Relay.Gateway.Middleware;

/// <summary>
/// The methods a gateway route serves: endpoint metadata for the gateway's own endpoints (health), route metadata
/// <c>AllowedMethods</c> ("GET, POST") for the proxied ones. A route that names none is not checked here.
/// </summary>
public sealed class AllowedMethods
{
    /// <summary>The route metadata key in <c>ReverseProxy:Routes:{name}:Metadata</c>.</summary>
    public const string MetadataKey = "AllowedMethods";

    // Parsed once per route configuration (a reload brings new RouteConfig objects, and with them new entries).
    private static readonly ConditionalWeakTable<RouteConfig, AllowedMethods?> FromRoutes = new();

    public AllowedMethods(params string[] methods)
    {
        Methods = methods;
        Header = string.Join(", ", methods);
    }

    public IReadOnlyList<string> Methods { get; }

    /// <summary>The <c>Allow</c> header's value.</summary>
    public string Header { get; }

    public bool Allows(string method)
    {
        foreach (var allowed in Methods)
        {
            if (string.Equals(allowed, method, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    public static AllowedMethods? Parse(string? configured)
    {
        var methods = (configured ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return methods.Length == 0 ? null : new AllowedMethods([.. methods.Select(method => method.ToUpperInvariant())]);
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
            config.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var configured) ? Parse(configured) : null);
    }
}
