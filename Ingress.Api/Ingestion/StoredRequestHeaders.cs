using System.Text.Json;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>The headers of a request as Relay stores them with its event: credentials redacted, the gateway's own hop left out.</summary>
public static class StoredRequestHeaders
{
    /// <summary>Headers that carry credentials for any provider or for Relay itself; never stored.</summary>
    public static IReadOnlySet<string> AlwaysRedacted { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-internal-api-key", "x-api-key",
    };

    // Headers of the hop from the gateway, not of the caller's request: hop-by-hop headers, what the forwarded-headers
    // step left behind, and the gateway's own trace context.
    private static readonly HashSet<string> NotFromTheCaller = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "x-original-for", "x-original-host", "x-original-proto", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-prefix",
        "traceparent", "tracestate", "baggage",
    };

    /// <summary>
    /// The request as it reached the gateway: its headers with <paramref name="redacted"/> ones as <c>[REDACTED]</c>, the
    /// host it called (restored from X-Forwarded-Host before this runs) and its address as <c>x-forwarded-for</c>.
    /// </summary>
    public static string Serialize(IHeaderDictionary headers, string? sourceIp, IReadOnlySet<string> redacted)
    {
        var namedByConnection = headers.Connection.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var dropped = new HashSet<string>(NotFromTheCaller.Concat(namedByConnection), StringComparer.OrdinalIgnoreCase);
        var stored = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            if (dropped.Contains(name))
            {
                continue;
            }
            var key = name.ToLowerInvariant();
            stored[key] = redacted.Contains(key) ? "[REDACTED]" : value.ToString();
        }
        if (sourceIp is not null)
        {
            stored["x-forwarded-for"] = sourceIp;
        }
        return JsonSerializer.Serialize(stored, JsonSerializerOptions.Web);
    }
}
