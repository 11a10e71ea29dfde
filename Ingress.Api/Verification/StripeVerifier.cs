using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Relay.Ingress.Api.Verification;

/// <summary>
/// Stripe's scheme: <c>Stripe-Signature: t=1492774577,v1=5257a8…,v0=6ffbb5…</c>. The signed payload is
/// <c>{t}.{raw body}</c>, signed with HMAC-SHA256 keyed with the endpoint secret's UTF-8 bytes (the <c>whsec_…</c>
/// string as it is) and written in lowercase hex. Any of several <c>v1</c> may match (Stripe sends one per secret
/// while the endpoint secret rolls); other schemes (<c>v0</c>, test-mode) are ignored. A timestamp further than the
/// tolerance from now, in either direction, is refused before any HMAC is computed: a replay or a wrong clock.
/// </summary>
public sealed class StripeVerifier : IInboundVerifier
{
    // Bounds what is read from a request: 4,096 characters hold about 60 v1 entries.
    private const int MaxHeaderLength = 4096;
    private const int MacLength = HMACSHA256.HashSizeInBytes;

    private readonly byte[] key;
    private readonly string header;
    private readonly long toleranceSeconds;
    private readonly TimeProvider timeProvider;
    private readonly string missingMessage;
    private readonly string malformedMessage;
    private readonly string staleMessage;
    private readonly string invalidMessage;

    public StripeVerifier(string secret, string header, int toleranceSeconds, TimeProvider timeProvider, string provider)
    {
        key = Encoding.UTF8.GetBytes(secret);
        this.header = header;
        this.toleranceSeconds = toleranceSeconds;
        this.timeProvider = timeProvider;
        missingMessage = $"Missing {header} header";
        malformedMessage = $"Invalid {header} header: it needs t=<unix seconds> and at least one v1=<signature>";
        staleMessage = $"The {header} timestamp is more than {toleranceSeconds} seconds from the current time";
        invalidMessage = $"Invalid {provider} webhook signature";
    }

    public string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody)
    {
        // Repeated headers read as one comma-separated list, which is how HTTP combines them.
        var value = headers[header].ToString();
        if (string.IsNullOrWhiteSpace(value))
        {
            return missingMessage;
        }
        if (value.Length > MaxHeaderLength || !TryReadTimestamp(value, out var timestamp))
        {
            return malformedMessage;
        }
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (timestamp < now - toleranceSeconds || timestamp > now + toleranceSeconds)
        {
            return staleMessage;
        }

        Span<byte> expected = stackalloc byte[MacLength];
        Sign(key, timestamp, rawBody, expected);
        Span<byte> presented = stackalloc byte[MacLength];
        var matched = false;
        foreach (var element in Elements(value))
        {
            // A v1 that is not 64 lowercase hex digits can never match.
            if (element.Name.SequenceEqual("v1") && LowercaseHex.TryDecode(element.Value, presented))
            {
                matched |= CryptographicOperations.FixedTimeEquals(expected, presented);
            }
        }
        return matched ? null : invalidMessage;
    }

    /// <summary>The <c>Stripe-Signature</c> value Stripe would send for <paramref name="rawBody"/> at <paramref name="timestamp"/> (for tests).</summary>
    public static string SignatureHeader(ReadOnlySpan<byte> rawBody, string secret, long timestamp)
    {
        Span<byte> mac = stackalloc byte[MacLength];
        Sign(Encoding.UTF8.GetBytes(secret), timestamp, rawBody, mac);
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>
    /// Exactly one <c>t</c> of digits and at least one <c>v1</c>; a second <c>t</c> is ambiguous and refused. Elements
    /// are trimmed of spaces around them; ones without <c>=</c> are ignored like unknown schemes.
    /// </summary>
    private static bool TryReadTimestamp(string value, out long timestamp)
    {
        timestamp = 0;
        var timestamps = 0;
        var signatures = 0;
        foreach (var element in Elements(value))
        {
            if (element.Name.SequenceEqual("t"))
            {
                timestamps++;
                if (element.Value.Length is 0 or > 18 || !long.TryParse(element.Value, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
                {
                    return false;
                }
            }
            else if (element.Name.SequenceEqual("v1"))
            {
                signatures++;
            }
        }
        return timestamps == 1 && signatures > 0;
    }

    /// <summary>The signed payload is the timestamp as a number, a dot and the raw body, hashed without copying the body.</summary>
    private static void Sign(ReadOnlySpan<byte> key, long timestamp, ReadOnlySpan<byte> rawBody, Span<byte> destination)
    {
        Span<byte> prefix = stackalloc byte[20];
        timestamp.TryFormat(prefix, out var digits, default, CultureInfo.InvariantCulture);
        prefix[digits] = (byte)'.';
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix[..(digits + 1)]);
        hmac.AppendData(rawBody);
        hmac.GetHashAndReset(destination);
    }

    private static ElementEnumerator Elements(string value) => new(value);

    /// <summary>The <c>name=value</c> elements of the header, trimmed, without allocating.</summary>
    private ref struct ElementEnumerator(string value)
    {
        private MemoryExtensions.SpanSplitEnumerator<char> parts = value.AsSpan().Split(',');
        private readonly ReadOnlySpan<char> text = value.AsSpan();

        public Element Current { get; private set; }

        public readonly ElementEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (parts.MoveNext())
            {
                var element = text[parts.Current].Trim(' ');
                var equals = element.IndexOf('=');
                if (equals > 0)
                {
                    Current = new Element(element[..equals], element[(equals + 1)..]);
                    return true;
                }
            }
            return false;
        }
    }

    private readonly ref struct Element(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        public ReadOnlySpan<char> Name { get; } = name;

        public ReadOnlySpan<char> Value { get; } = value;
    }
}
