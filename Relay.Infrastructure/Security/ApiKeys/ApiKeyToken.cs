using System.Security.Cryptography;

namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>
/// An API key as its holder sends it: <c>rly_{id}_{secret}</c>, where <c>{id}</c> is the key's id as 32 lowercase hex
/// digits and <c>{secret}</c> 48 lowercase hex digits of random bytes (192 bits). The <c>rly_</c> prefix makes a
/// leaked key recognisable (secret scanners, logs); the id finds the stored hash without a search; only
/// <see cref="Hash"/> of the secret is stored.
/// </summary>
public readonly record struct ApiKeyToken(Guid Id, string Secret)
{
    public const string Marker = "rly_";
    public const int SecretBytes = 24;
    private const int IdLength = 32;
    private const int SecretLength = SecretBytes * 2;
    public const int Length = 4 + IdLength + 1 + SecretLength;

    /// <summary>What lists show of a key: the marker and the id part, never the secret.</summary>
    public string Prefix => PrefixOf(Id);

    public override string ToString() => Prefix + "_…";

    /// <summary>The whole key, to be shown once.</summary>
    public string Reveal() => $"{Prefix}_{Secret}";

    public static string PrefixOf(Guid id) => Marker + id.ToString("N");

    /// <summary>A new key for <paramref name="id"/> with a fresh secret from the system's CSPRNG.</summary>
    public static ApiKeyToken Generate(Guid id) => new(id, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretBytes)));

    /// <summary>Reads a key in exactly the format <see cref="Reveal"/> writes (lowercase hex only); anything else is no key.</summary>
    public static bool TryParse(string? text, out ApiKeyToken token)
    {
        token = default;
        if (text is null || text.Length != Length || !text.StartsWith(Marker, StringComparison.Ordinal) || text[Marker.Length + IdLength] != '_')
        {
            return false;
        }
        var id = text.AsSpan(Marker.Length, IdLength);
        var secret = text.AsSpan(Marker.Length + IdLength + 1);
        if (!IsLowerHex(id) || !IsLowerHex(secret) || !Guid.TryParseExact(id, "N", out var parsed))
        {
            return false;
        }
        token = new ApiKeyToken(parsed, secret.ToString());
        return true;
    }

    /// <summary>SHA-256 of the secret: enough for a random 192-bit secret, where a slow password hash would only cost every request.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret));

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="storedHash"/>, in time independent of where they differ.</summary>
    public static bool Verify(string secret, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        return true;
    }
}
