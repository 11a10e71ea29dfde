using System.Security.Cryptography;
using System.Text;

namespace Relay.Ingress.Api.Verification;

/// <summary>
/// An HMAC-SHA256 of the raw request bytes, keyed with the secret's UTF-8 bytes, in a header after a fixed prefix:
/// <c>hmac-sha256-hex</c> (acme: lowercase hex, no prefix), <c>github</c> (<c>sha256=</c> + lowercase hex) and
/// <c>shopify</c> (base64). The signature covers the bytes as they came, so any reformatting breaks it.
/// </summary>
public sealed class BodyHmacVerifier : IInboundVerifier
{
    private const int MacLength = HMACSHA256.HashSizeInBytes;

    private readonly byte[] key;
    private readonly string header;
    private readonly string prefix;
    private readonly SignatureEncoding encoding;
    private readonly string missingMessage;
    private readonly string invalidMessage;

    public BodyHmacVerifier(string secret, string header, string prefix, SignatureEncoding encoding, string provider)
    {
        key = Encoding.UTF8.GetBytes(secret);
        this.header = header;
        this.prefix = prefix;
        this.encoding = encoding;
        missingMessage = $"Missing {header} header";
        invalidMessage = $"Invalid {provider} webhook signature";
    }

    public string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody)
    {
        var value = headers[header].ToString().AsSpan().Trim();
        if (value.Length == 0)
        {
            return missingMessage;
        }
        Span<byte> expected = stackalloc byte[MacLength];
        HMACSHA256.HashData(key, rawBody, expected);
        Span<byte> presented = stackalloc byte[MacLength];
        // A signature without the prefix, of the wrong length or not in the encoding can never match; it still costs the same comparison.
        var decoded = value.StartsWith(prefix, StringComparison.Ordinal) && TryDecode(value[prefix.Length..], presented);
        var equal = CryptographicOperations.FixedTimeEquals(expected, presented);
        return decoded && equal ? null : invalidMessage;
    }

    /// <summary>The header value a sender puts on <paramref name="rawBody"/> (for tests and examples).</summary>
    public static string Sign(ReadOnlySpan<byte> rawBody, string secret, SignatureEncoding encoding = SignatureEncoding.LowercaseHex, string prefix = "")
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), rawBody);
        return prefix + (encoding == SignatureEncoding.Base64 ? Convert.ToBase64String(mac) : Convert.ToHexStringLower(mac));
    }

    private bool TryDecode(ReadOnlySpan<char> signature, Span<byte> destination) => encoding switch
    {
        SignatureEncoding.LowercaseHex => LowercaseHex.TryDecode(signature, destination),
        _ => Convert.TryFromBase64Chars(signature, destination, out var written) && written == destination.Length,
    };
}
