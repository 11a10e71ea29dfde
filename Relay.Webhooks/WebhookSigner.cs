using System.Runtime.InteropServices;

namespace Relay.Webhooks;

/// <summary>
/// Produces Standard Webhooks v1 signatures: HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>, keyed with the
/// secret's bytes, written as <c>v1,</c> + base64.
/// </summary>
/// <remarks>
/// The sender sets <see cref="WebhookHeaders.Id"/> to the message id (the same on every retry),
/// <see cref="WebhookHeaders.Timestamp"/> to this attempt's unix seconds, and <see cref="WebhookHeaders.Signature"/>
/// to <see cref="SignatureHeader"/> of the same values and the exact body bytes it sends.
/// </remarks>
public static class WebhookSigner
{
    /// <summary>Signs one message with one secret.</summary>
    /// <param name="secret">The destination's secret.</param>
    /// <param name="id">The message id: non-empty, at most 256 characters, without <c>.</c> (the specification
    /// forbids it, as it would make the signed content ambiguous).</param>
    /// <param name="timestampSeconds">The attempt's unix time in seconds, as sent in <c>webhook-timestamp</c>.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    /// <returns>The signature, <c>v1,</c> + base64.</returns>
    public static string Sign(WebhookSecret secret, string id, long timestampSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Signatures(new ReadOnlySpan<WebhookSecret>(in secret), id, timestampSeconds, body);
    }

    /// <summary>
    /// Signs one message with each secret, in the given order, for the <c>webhook-signature</c> header. During a
    /// rotation's grace window pass the new and the old secret: a receiver that knows either accepts the message.
    /// </summary>
    /// <param name="secrets">One or more secrets.</param>
    /// <param name="id">The message id; see <see cref="Sign"/>.</param>
    /// <param name="timestampSeconds">The attempt's unix time in seconds.</param>
    /// <param name="body">The exact bytes of the request body.</param>
    /// <returns>The signatures separated by single spaces, e.g. <c>v1,AAA… v1,BBB…</c>.</returns>
    public static string SignatureHeader(IEnumerable<WebhookSecret> secrets, string id, long timestampSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ReadOnlySpan<WebhookSecret> keys = secrets switch
        {
            WebhookSecret[] array => array,
            List<WebhookSecret> list => CollectionsMarshal.AsSpan(list),
            _ => secrets.ToArray(),
        };
        return Signatures(keys, id, timestampSeconds, body);
    }

    private static string Signatures(ReadOnlySpan<WebhookSecret> keys, string id, long timestampSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (id.Length > WebhookHeaders.MaxIdLength || id.Contains('.'))
        {
            throw new ArgumentException($"A webhook id has at most {WebhookHeaders.MaxIdLength} characters and no '.'.", nameof(id));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(timestampSeconds);

        if (keys.Length == 0)
        {
            throw new ArgumentException("At least one secret is needed to sign.", "secrets");
        }

        var headerLength = keys.Length * (SignedContent.SignatureLength + 1) - 1;
        Span<char> header = headerLength <= 256 ? stackalloc char[256] : new char[headerLength];

        using (var content = SignedContent.Build(id, timestampSeconds, body, stackalloc byte[SignedContent.StackLimit]))
        {
            for (var i = 0; i < keys.Length; i++)
            {
                var key = keys[i] ?? throw new ArgumentException("The secrets must not contain null.", "secrets");
                var start = i * (SignedContent.SignatureLength + 1);
                if (i > 0)
                {
                    header[start - 1] = ' ';
                }
                SignedContent.WriteSignature(key.Key, content.Content, header[start..]);
            }
        }

        return new string(header[..headerLength]);
    }
}
