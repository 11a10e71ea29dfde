using Microsoft.Extensions.Primitives;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>What a webhook request's Content-Type and Content-Encoding must say (else 415).</summary>
public static class WebhookRequestFormat
{
    /// <summary>
    /// <c>application/json</c> or a JSON-based <c>application/&lt;x&gt;+json</c>, parsed strictly as RFC 9110 writes a
    /// media type (no space inside <c>type/subtype</c>; parameters after <c>;</c>). JSON is UTF-8 (RFC 8259), so a
    /// charset parameter, when there is one, must say utf-8: Relay neither guesses nor transcodes.
    /// </summary>
    public static ContentTypeVerdict CheckContentType(string? contentType)
    {
        var text = (contentType ?? "").AsSpan().Trim(" \t");
        var typeLength = TokenLength(text);
        if (typeLength == 0 || typeLength >= text.Length || text[typeLength] != '/')
        {
            return ContentTypeVerdict.NotJson;
        }
        var type = text[..typeLength];
        text = text[(typeLength + 1)..];
        var subtypeLength = TokenLength(text);
        var subtype = text[..subtypeLength];
        text = text[subtypeLength..];
        var isJson = type.Equals("application", StringComparison.OrdinalIgnoreCase)
            && (subtype.Equals("json", StringComparison.OrdinalIgnoreCase)
                || (subtype.Length > "+json".Length && subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));
        if (!isJson)
        {
            return ContentTypeVerdict.NotJson;
        }

        // parameters = *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )
        var verdict = ContentTypeVerdict.Json;
        while (true)
        {
            text = text.TrimStart(" \t");
            if (text.IsEmpty)
            {
                return verdict;
            }
            if (text[0] != ';')
            {
                return ContentTypeVerdict.NotJson;
            }
            text = text[1..].TrimStart(" \t");
            if (text.IsEmpty || text[0] == ';')
            {
                continue;
            }
            var nameLength = TokenLength(text);
            if (nameLength == 0 || nameLength >= text.Length || text[nameLength] != '=')
            {
                return ContentTypeVerdict.NotJson;
            }
            var name = text[..nameLength];
            text = text[(nameLength + 1)..];
            string value;
            if (!text.IsEmpty && text[0] == '"')
            {
                if (!TryReadQuotedString(ref text, out value))
                {
                    return ContentTypeVerdict.NotJson;
                }
            }
            else
            {
                var valueLength = TokenLength(text);
                if (valueLength == 0)
                {
                    return ContentTypeVerdict.NotJson;
                }
                value = text[..valueLength].ToString();
                text = text[valueLength..];
            }
            if (name.Equals("charset", StringComparison.OrdinalIgnoreCase) && !value.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                verdict = ContentTypeVerdict.UnsupportedCharset;
            }
        }
    }

    /// <summary>
    /// True when the body is sent as is: no Content-Encoding, or only <c>identity</c>. Relay does not decompress
    /// webhooks: the signature covers the bytes sent and Relay stores exactly those, so a compressed body would leave
    /// both "the raw body" and what the signature covers open to interpretation, and decompression would be one
    /// more way to blow a small request up past the body limit.
    /// </summary>
    public static bool IsIdentityEncoding(StringValues contentEncoding)
    {
        foreach (var value in contentEncoding)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static int TokenLength(ReadOnlySpan<char> text)
    {
        var length = 0;
        while (length < text.Length && IsTokenChar(text[length]))
        {
            length++;
        }
        return length;
    }

    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);

    // quoted-string = DQUOTE *( qdtext / "\" ( HTAB / SP / VCHAR ) ) DQUOTE
    private static bool TryReadQuotedString(ref ReadOnlySpan<char> text, out string value)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                text = text[(i + 1)..];
                value = builder.ToString();
                return true;
            }
            if (c == '\\')
            {
                if (++i >= text.Length)
                {
                    break;
                }
                c = text[i];
            }
            if (c is not ('\t' or (>= ' ' and <= '~')))
            {
                break;
            }
            builder.Append(c);
        }
        value = "";
        return false;
    }
}
