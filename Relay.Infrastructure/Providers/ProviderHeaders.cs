namespace Relay.Infrastructure.Providers;

/// <summary>Header names as integration settings may use them.</summary>
public static class ProviderHeaders
{
    public const int MaxNameLength = 100;

    /// <summary>
    /// Headers of the hop from the gateway, not of the provider's request: hop-by-hop headers, what the forwarded-headers
    /// step leaves behind, and the gateway's own trace context. Ingest does not store them, and no setting may read them.
    /// </summary>
    public static IReadOnlySet<string> NotFromTheProvider { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "x-original-for", "x-original-host", "x-original-proto", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-prefix",
        "traceparent", "tracestate", "baggage",
    };

    /// <summary>Null when <paramref name="name"/> is a header a setting may read, else why not.</summary>
    public static string? Problem(string name)
    {
        if (name.Length is 0 or > MaxNameLength || !name.All(IsTokenChar))
        {
            return $"must be a header name: 1-{MaxNameLength} letters, digits or !#$%&'*+-.^_`|~";
        }
        if (NotFromTheProvider.Contains(name) || name.Equals("x-forwarded-for", StringComparison.OrdinalIgnoreCase))
        {
            return "is a header of the connection or the gateway, not of the provider's request";
        }
        return null;
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}
