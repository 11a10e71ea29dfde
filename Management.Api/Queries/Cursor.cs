using System.Buffers.Binary;
using System.Buffers.Text;

namespace Relay.Management.Api.Queries;

/// <summary>
/// A position in a list ordered by (created_at, id), handed to callers as <c>meta.nextCursor</c>. The next page is the
/// rows after it, so rows inserted meanwhile neither repeat nor hide others, as an offset would. Opaque to callers:
/// base64url of a version byte, created_at in microseconds since the Unix epoch (PostgreSQL's precision, so the
/// value round-trips exactly) and the id.
/// </summary>
public readonly record struct Cursor(DateTime CreatedAt, Guid Id)
{
    private const byte Version = 1;
    private const int ByteLength = 1 + 8 + 16;
    private static readonly int TextLength = Base64Url.GetEncodedLength(ByteLength);

    private static readonly long MinMicroseconds = (DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks) / 10;
    private static readonly long MaxMicroseconds = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], (CreatedAt.Ticks - DateTime.UnixEpoch.Ticks) / 10);
        Id.TryWriteBytes(bytes[9..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a cursor <see cref="Encode"/> wrote; anything else (edited, truncated, another format) is refused.</summary>
    public static bool TryDecode(string text, out Cursor cursor)
    {
        cursor = default;
        Span<byte> bytes = stackalloc byte[ByteLength];
        try
        {
            if (text.Length != TextLength || !Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != ByteLength || bytes[0] != Version)
            {
                return false;
            }
        }
        catch (FormatException)
        {
            // The decoder throws, rather than answering false, for some malformed input (stray trailing bits).
            return false;
        }
        var microseconds = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        if (microseconds < MinMicroseconds || microseconds > MaxMicroseconds)
        {
            return false;
        }
        var decoded = new Cursor(new DateTime(DateTime.UnixEpoch.Ticks + microseconds * 10, DateTimeKind.Utc), new Guid(bytes[9..ByteLength], bigEndian: true));
        // One spelling per cursor: padding, whitespace or stray bits that the decoder tolerates are refused.
        if (!string.Equals(decoded.Encode(), text, StringComparison.Ordinal))
        {
            return false;
        }
        cursor = decoded;
        return true;
    }
}
