using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Relay.Webhooks;

/// <summary>
/// A symmetric Standard Webhooks signing secret, written as <c>whsec_</c> followed by the base64 of its key bytes.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> returns the secret itself, so that it can be stored and shown to the receiver once; do not
/// log it. No other type of this library puts key material into a message, an exception or its own ToString.
/// </remarks>
public sealed class WebhookSecret
{
    /// <summary>The prefix that marks a serialized symmetric secret.</summary>
    public const string Prefix = "whsec_";

    // 32 bytes is SHA-256's block-friendly size and inside the 24–64 bytes the specification recommends.
    private const int GeneratedKeyLength = 32;

    private readonly byte[] key;

    private WebhookSecret(byte[] key) => this.key = key;

    internal ReadOnlySpan<byte> Key => key;

    /// <summary>Creates a new secret of 32 cryptographically random bytes.</summary>
    public static WebhookSecret Generate() => new(RandomNumberGenerator.GetBytes(GeneratedKeyLength));

    /// <summary>
    /// Reads a secret written as <c>whsec_</c> + base64, or as bare base64 the way the Standard Webhooks reference
    /// libraries also accept it. Surrounding whitespace is ignored.
    /// </summary>
    /// <param name="value">The serialized secret.</param>
    /// <param name="secret">The secret, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> holds a non-empty base64 key.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out WebhookSecret? secret)
    {
        secret = null;
        if (value is null)
        {
            return false;
        }

        var encoded = value.AsSpan().Trim();
        if (encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            encoded = encoded[Prefix.Length..];
        }

        // Base64 never decodes to more bytes than three quarters of its length.
        var decoded = new byte[encoded.Length / 4 * 3 + 3];
        try
        {
            if (!Convert.TryFromBase64Chars(encoded, decoded, out var length) || length == 0)
            {
                return false;
            }

            secret = new WebhookSecret(decoded[..length]);
            return true;
        }
        finally
        {
            // The scratch copy of the key does not outlive the call.
            CryptographicOperations.ZeroMemory(decoded);
        }
    }

    /// <summary>Reads a secret like <see cref="TryParse"/>, throwing when it is not one.</summary>
    /// <param name="value">The serialized secret.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="value"/> is not a secret; the message does not repeat it.</exception>
    public static WebhookSecret Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var secret)
            ? secret
            : throw new FormatException("A webhook secret is \"whsec_\" followed by the base64 of a non-empty key.");
    }

    /// <summary>The secret in its serialized form, <c>whsec_</c> + base64: this is the secret itself.</summary>
    public override string ToString() => Prefix + Convert.ToBase64String(key);
}
