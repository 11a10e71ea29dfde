using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Relay.Webhooks;

/// <summary>
/// The bytes a v1 signature covers, <c>{id}.{timestamp}.{body}</c> in UTF-8, and the v1 signature over them.
/// </summary>
internal static class SignedContent
{
    /// <summary>Content up to this many bytes is built on the stack; larger content borrows a pooled array.</summary>
    public const int StackLimit = 1024;

    /// <summary>The length of one <c>v1,</c> + base64(HMAC-SHA256) entry: 3 + 44 characters.</summary>
    public const int SignatureLength = 3 + 44;

    // A non-negative long has at most 19 digits; the two dots make 21.
    private const int SeparatorsAndTimestamp = 21;

    /// <summary>An upper bound of the content's length, to size the buffer given to <see cref="Write"/>.</summary>
    public static int MaxLength(string id, int bodyLength)
    {
        var length = (long)Encoding.UTF8.GetByteCount(id) + SeparatorsAndTimestamp + bodyLength;
        return length <= Array.MaxLength
            ? (int)length
            : throw new ArgumentException("The webhook body is too large to sign.", nameof(bodyLength));
    }

    /// <summary>
    /// Builds the content in <paramref name="stackBuffer"/> (at least <see cref="StackLimit"/> bytes) when it fits,
    /// else in a pooled array that disposing the result returns.
    /// </summary>
    public static Pooled Build(string id, long timestampSeconds, ReadOnlySpan<byte> body, Span<byte> stackBuffer)
    {
        var length = MaxLength(id, body.Length);
        byte[]? rented = length <= stackBuffer.Length ? null : ArrayPool<byte>.Shared.Rent(length);
        return new Pooled(Write(id, timestampSeconds, body, rented ?? stackBuffer), rented);
    }

    /// <summary>The content, and the pooled array it may live in.</summary>
    public readonly ref struct Pooled(ReadOnlySpan<byte> content, byte[]? rented)
    {
        public ReadOnlySpan<byte> Content { get; } = content;

        public void Dispose()
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes the content into <paramref name="destination"/> and returns the part written.</summary>
    private static ReadOnlySpan<byte> Write(string id, long timestampSeconds, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var written = Encoding.UTF8.GetBytes(id, destination);
        destination[written++] = (byte)'.';
        timestampSeconds.TryFormat(destination[written..], out var digits, default, CultureInfo.InvariantCulture);
        written += digits;
        destination[written++] = (byte)'.';
        body.CopyTo(destination[written..]);
        return destination[..(written + body.Length)];
    }

    /// <summary>Writes <c>v1,</c> + base64(HMAC-SHA256(key, content)) into the first <see cref="SignatureLength"/> characters.</summary>
    public static void WriteSignature(ReadOnlySpan<byte> key, ReadOnlySpan<byte> content, Span<char> destination)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, content, mac);
        "v1,".CopyTo(destination);
        Convert.TryToBase64Chars(mac, destination[3..], out _);
    }
}
