using System.Buffers;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// The rules for the custom headers an operator adds to every delivery to a destination. Relay refuses the headers
/// that would change how the request is framed or routed, those that carry its signature, and its own, so a custom
/// header can neither break a delivery nor forge what a receiver verifies.
/// </summary>
public static class DestinationHeaders
{
    public const int MaxCount = 20;
    public const int MaxNameLength = 100;
    public const int MaxValueLength = 1000;

    private static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        // Hop-by-hop and framing: HttpClient sets them from the request itself.
        "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "host",
        "content-length", "content-type", "content-encoding",
        // The Standard Webhooks signature a receiver verifies.
        "webhook-id", "webhook-timestamp", "webhook-signature",
        // Relay's own.
        "x-integration-provider", "x-event-id", "x-correlation-id", "user-agent",
    };

    // RFC 9110 token characters.
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Whether <paramref name="name"/> is an HTTP token of 1-<see cref="MaxNameLength"/> characters.</summary>
    public static bool IsName(string name) => name.Length is > 0 and <= MaxNameLength && !name.AsSpan().ContainsAnyExcept(TokenChars);

    /// <summary>Why <paramref name="name"/> cannot be a custom header, or null when it can.</summary>
    public static string? CheckName(string name)
    {
        if (!IsName(name))
        {
            return $"must be a header name (an HTTP token) of 1-{MaxNameLength} characters";
        }
        if (Forbidden.Contains(name) || name.StartsWith("proxy-", StringComparison.OrdinalIgnoreCase))
        {
            return "is set by Relay (framing, hop-by-hop, signature and Relay's own headers cannot be overridden)";
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="value"/> cannot be a header value, or null when it can: printable ASCII, spaces and tabs only
    /// (CR, LF or NUL would split the request; HttpClient refuses other characters when it sends).
    /// </summary>
    public static string? CheckValue(string value)
    {
        if (value.Length > MaxValueLength)
        {
            return $"must be at most {MaxValueLength} characters";
        }
        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\0')
            {
                return "must not contain CR, LF or NUL";
            }
            if (c != '\t' && (c < ' ' || c > '~'))
            {
                return "must be printable ASCII";
            }
        }
        return null;
    }
}
