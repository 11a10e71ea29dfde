using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Relay.Ingress.Api.Verification;

/// <summary>
/// A static token: the header must equal the prefix followed by the secret, exactly (globex: <c>x-globex-token</c>, no
/// prefix). Both sides are hashed before the constant-time compare, so neither the content nor the length leaks.
/// </summary>
public sealed class TokenVerifier : IInboundVerifier
{
    private const int StackLimit = 512;

    private readonly byte[] expectedHash;
    private readonly string header;
    private readonly string invalidMessage;

    public TokenVerifier(string secret, string header, string prefix, string provider)
    {
        expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(prefix + secret));
        this.header = header;
        invalidMessage = $"Invalid {provider} token";
    }

    public string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody)
    {
        var presented = headers[header].ToString();
        var length = Encoding.UTF8.GetByteCount(presented);
        byte[]? rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> bytes = rented ?? stackalloc byte[StackLimit];
            var written = Encoding.UTF8.GetBytes(presented, bytes);
            Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], presentedHash);
            // An absent header is an empty token: it is compared like any other and fails like any other.
            return CryptographicOperations.FixedTimeEquals(expectedHash, presentedHash) && presented.Length > 0 ? null : invalidMessage;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }
}
