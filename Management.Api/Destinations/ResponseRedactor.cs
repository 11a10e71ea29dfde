using System.Text.RegularExpressions;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// Turns a receiver's stored response into an excerpt an operator can read without seeing credentials the receiver
/// echoed back: values of JSON keys, <c>key=value</c> pairs and <c>Key: value</c> lines whose name looks like a
/// credential (password, secret, token, api key, authorization, session, cookie; any case, anywhere in the name) and
/// the token of <c>Bearer</c>/<c>Basic</c> become <c>[redacted]</c>. It errs on the side of hiding:
/// <c>"sessionCount": 3</c> is redacted too.
/// </summary>
public static class ResponseRedactor
{
    public const int ExcerptLength = 500;
    public const string Redacted = "[redacted]";

    /// <summary>
    /// How much of a body is redacted: more than the excerpt, so a value that starts inside it is seen whole. The
    /// patterns also take a value cut off at this length, so nothing that starts in the excerpt escapes.
    /// </summary>
    public const int ScannedLength = 4 * ExcerptLength;

    private const string Credential = "(?:password|passwd|secret|token|api[_-]?key|authorization|session|cookie)";

    // Linear-time matching: the input is whatever a receiver answered.
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private static readonly Regex Scheme = new(@"\b(?<scheme>Bearer|Basic)[ \t]+[A-Za-z0-9._~+/\-]+=*", Options);

    private static readonly Regex JsonMember = new(
        $$"""(?<key>"[^"\\]*{{Credential}}[^"\\]*")(?<sep>\s*:\s*)(?<value>"(?:[^"\\]|\\.)*(?:"|\\?$)|[^\s,}\]\["{][^\s,}\]]*)""", Options);

    private static readonly Regex KeyValue = new(
        $$"""(?<key>[A-Za-z0-9_.\-]*{{Credential}}[A-Za-z0-9_.\-]*)(?<sep>[ \t]*=[ \t]*)(?<value>"[^"]*"?|'[^']*'?|[^&\s,;"'<>]+)""", Options);

    private static readonly Regex HeaderLine = new(
        $$"""(?<key>^[ \t]*[A-Za-z0-9_\-]*{{Credential}}[A-Za-z0-9_\-]*)(?<sep>[ \t]*:[ \t]*)(?:(?<scheme>Bearer|Basic)[ \t]+)?(?<value>[^\r\n]+)""",
        Options | RegexOptions.Multiline);

    /// <summary>At most <see cref="ExcerptLength"/> characters of <paramref name="body"/>, redacted; null for none.</summary>
    public static string? Excerpt(string? body)
    {
        if (body is null)
        {
            return null;
        }
        var redacted = Redact(body.Length > ScannedLength ? body[..ScannedLength] : body);
        if (redacted.Length <= ExcerptLength)
        {
            return redacted;
        }
        // Never half a surrogate pair.
        var length = char.IsHighSurrogate(redacted[ExcerptLength - 1]) ? ExcerptLength - 1 : ExcerptLength;
        return redacted[..length];
    }

    public static string Redact(string text)
    {
        // The scheme first: "authorization=Bearer abc" then loses "Bearer" to the pair rule, never "abc".
        text = Scheme.Replace(text, match => $"{match.Groups["scheme"].Value} {Redacted}");
        text = JsonMember.Replace(text, match => $"{match.Groups["key"].Value}{match.Groups["sep"].Value}\"{Redacted}\"");
        text = KeyValue.Replace(text, match => $"{match.Groups["key"].Value}{match.Groups["sep"].Value}{Redacted}");
        return HeaderLine.Replace(text, match =>
            match.Groups["scheme"].Success
                ? $"{match.Groups["key"].Value}{match.Groups["sep"].Value}{match.Groups["scheme"].Value} {Redacted}"
                : $"{match.Groups["key"].Value}{match.Groups["sep"].Value}{Redacted}");
    }
}
