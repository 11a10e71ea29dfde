using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Relay.Webhooks;

/// <summary>
/// Checks Standard Webhooks signatures on received messages against one or more secrets. While a sender rotates
/// its secret, configure both: a message signed with any of them passes. Immutable and safe to share.
/// </summary>
public sealed class WebhookVerifier
{
    // Bounds on what is read from a request, so that a hostile one costs no more than a normal one. An id of 256
    // characters is far longer than any sender's (msg_ + 27 characters is typical); 4,096 characters of signatures
    // hold about 85 v1 entries.
    private const int MaxSignatureHeaderLength = 4096;
    // The digits of long.MaxValue; anything longer cannot be a timestamp and is not parsed.
    private const int MaxTimestampLength = 19;

    // Expected MACs for up to this many secrets live on the stack.
    private const int StackSecrets = 8;

    private readonly WebhookSecret[] secrets;
    private readonly long toleranceSeconds;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates a verifier that accepts messages signed with any of <paramref name="secrets"/>.</summary>
    /// <param name="secrets">One or more secrets.</param>
    public WebhookVerifier(params WebhookSecret[] secrets)
        : this((IEnumerable<WebhookSecret>)secrets)
    {
    }

    /// <summary>Creates a verifier from serialized secrets (<c>whsec_</c> + base64, or bare base64).</summary>
    /// <param name="secrets">One or more serialized secrets.</param>
    /// <exception cref="FormatException">A value is not a secret; the message does not repeat it.</exception>
    public WebhookVerifier(params string[] secrets)
        : this((IEnumerable<string>)secrets)
    {
    }

    /// <summary>Creates a verifier from serialized secrets (<c>whsec_</c> + base64, or bare base64).</summary>
    /// <param name="secrets">One or more serialized secrets.</param>
    /// <param name="options">The tolerance and clock; the defaults when null.</param>
    /// <exception cref="FormatException">A value is not a secret; the message does not repeat it.</exception>
    public WebhookVerifier(IEnumerable<string> secrets, WebhookVerifierOptions? options = null)
        : this(ParseAll(secrets), options)
    {
    }

    /// <summary>Creates a verifier that accepts messages signed with any of <paramref name="secrets"/>.</summary>
    /// <param name="secrets">One or more secrets.</param>
    /// <param name="options">The tolerance and clock; the defaults when null.</param>
    public WebhookVerifier(IEnumerable<WebhookSecret> secrets, WebhookVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        this.secrets = [.. secrets];
        if (this.secrets.Length == 0)
        {
            throw new ArgumentException("A webhook verifier needs at least one secret.", nameof(secrets));
        }
        if (Array.IndexOf(this.secrets, null) >= 0)
        {
            throw new ArgumentException("The secrets must not contain null.", nameof(secrets));
        }

        options ??= new WebhookVerifierOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Tolerance, TimeSpan.Zero, nameof(options));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        toleranceSeconds = (long)options.Tolerance.TotalSeconds;
        timeProvider = options.TimeProvider;
    }

    /// <summary>Verifies a message from the values of its three headers and its exact body bytes.</summary>
    /// <param name="id">The <c>webhook-id</c> header.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="signatureHeader">The <c>webhook-signature</c> header: space-separated <c>version,signature</c>
    /// entries; entries of versions other than <c>v1</c> and malformed entries are ignored.</param>
    /// <param name="body">The request body exactly as received.</param>
    /// <returns>The outcome; it never throws for anything a sender can put in a request.</returns>
    public WebhookVerificationResult Verify(string? id, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return WebhookVerificationResult.Of(WebhookVerificationFailure.MissingHeaders);
        }
        if (id.Length > WebhookHeaders.MaxIdLength || signatureHeader.Length > MaxSignatureHeaderLength)
        {
            return WebhookVerificationResult.Of(WebhookVerificationFailure.MalformedHeaders);
        }
        if (timestamp.Length > MaxTimestampLength
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var sentAt))
        {
            return WebhookVerificationResult.Of(WebhookVerificationFailure.InvalidTimestamp);
        }

        // Cheap checks first: a stale or future message costs no HMAC.
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (sentAt < now - toleranceSeconds)
        {
            return WebhookVerificationResult.Of(WebhookVerificationFailure.TimestampTooOld);
        }
        if (sentAt > now + toleranceSeconds)
        {
            return WebhookVerificationResult.Of(WebhookVerificationFailure.TimestampTooNew);
        }

        return HasMatchingSignature(id, sentAt, signatureHeader, body)
            ? WebhookVerificationResult.Of(WebhookVerificationFailure.None)
            : WebhookVerificationResult.Of(WebhookVerificationFailure.NoMatchingSignature);
    }

    /// <summary>Verifies a message received by ASP.NET Core.</summary>
    /// <param name="headers">The request headers. Repeated <c>webhook-signature</c> headers are read as one
    /// space-separated list; a repeated <c>webhook-id</c> or <c>webhook-timestamp</c> is refused as ambiguous.</param>
    /// <param name="body">The request body exactly as received.</param>
    public WebhookVerificationResult Verify(IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var id = headers[WebhookHeaders.Id];
        var timestamp = headers[WebhookHeaders.Timestamp];
        if (id.Count > 1 || timestamp.Count > 1)
        {
            return WebhookVerificationResult.Of(WebhookVerificationFailure.MalformedHeaders);
        }
        var signatures = headers[WebhookHeaders.Signature];
        var signatureHeader = signatures.Count > 1 ? string.Join(' ', signatures.ToArray()) : signatures.ToString();
        return Verify(id.ToString(), timestamp.ToString(), signatureHeader, body);
    }

    /// <summary>Verifies a message whose headers are in an <see cref="HttpHeaders"/> collection (for instance
    /// <see cref="HttpRequestMessage.Headers"/>); header values are read as sent, without parsing.</summary>
    /// <param name="headers">The headers. Repeated headers are treated as in
    /// <see cref="Verify(IHeaderDictionary, ReadOnlySpan{byte})"/>.</param>
    /// <param name="body">The body exactly as received.</param>
    public WebhookVerificationResult Verify(HttpHeaders headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var id = Values(headers, WebhookHeaders.Id);
        var timestamp = Values(headers, WebhookHeaders.Timestamp);
        if (id.Count > 1 || timestamp.Count > 1)
        {
            return WebhookVerificationResult.Of(WebhookVerificationFailure.MalformedHeaders);
        }
        var signatures = Values(headers, WebhookHeaders.Signature);
        var signatureHeader = signatures.Count > 1 ? string.Join(' ', signatures.ToArray()) : signatures.ToString();
        return Verify(id.ToString(), timestamp.ToString(), signatureHeader, body);
    }

    private static StringValues Values(HttpHeaders headers, string name)
    {
        return headers.NonValidated.TryGetValues(name, out var values) ? new StringValues([.. values]) : StringValues.Empty;
    }

    private bool HasMatchingSignature(string id, long sentAt, string signatureHeader, ReadOnlySpan<byte> body)
    {
        const int macLength = HMACSHA256.HashSizeInBytes;
        var expectedLength = secrets.Length * macLength;
        Span<byte> expected = secrets.Length <= StackSecrets ? stackalloc byte[StackSecrets * macLength] : new byte[expectedLength];
        expected = expected[..expectedLength];

        using (var content = SignedContent.Build(id, sentAt, body, stackalloc byte[SignedContent.StackLimit]))
        {
            // One HMAC per configured secret, whatever the header holds: the work is bounded by the configuration.
            for (var i = 0; i < secrets.Length; i++)
            {
                HMACSHA256.HashData(secrets[i].Key, content.Content, expected.Slice(i * macLength, macLength));
            }
        }

        Span<byte> presented = stackalloc byte[macLength];
        var header = signatureHeader.AsSpan();
        foreach (var range in header.Split(' '))
        {
            var entry = header[range];
            var comma = entry.IndexOf(',');
            if (comma < 0 || !entry[..comma].SequenceEqual("v1"))
            {
                continue;
            }
            // A signature that is not base64 of exactly 32 bytes can never match.
            if (!Convert.TryFromBase64Chars(entry[(comma + 1)..], presented, out var written) || written != macLength)
            {
                continue;
            }
            for (var i = 0; i < secrets.Length; i++)
            {
                if (CryptographicOperations.FixedTimeEquals(expected.Slice(i * macLength, macLength), presented))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static IEnumerable<WebhookSecret> ParseAll(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return secrets.Select(WebhookSecret.Parse).ToArray();
    }
}
