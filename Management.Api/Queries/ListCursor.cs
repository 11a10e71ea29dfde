using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;

namespace Relay.Management.Api.Queries;

/// <summary>
/// A position in one list under one order, handed to callers as <c>meta.nextCursor</c>: the sort key and the id of the
/// last row of a page. The next page is the rows after it, so rows inserted meanwhile neither repeat nor hide others,
/// as an offset would. Opaque to callers: base64url of a version byte, the list and sort it was made for, then the key
/// and the id, each after a type tag. Unlike <see cref="Cursor"/> (the destinations list's, which names no list), it
/// names its list and order, so a cursor from another list or another sort is refused rather than read as a position
/// it never was.
/// </summary>
/// <param name="Key">The sort column's value: a UTC <see cref="DateTime"/> (kept to the microsecond, PostgreSQL's precision) or a string.</param>
/// <param name="Id">The row's id: a <see cref="Guid"/> or a <see cref="long"/>.</param>
public sealed record ListCursor(CursorOrder Order, object Key, object Id)
{
    private const byte Version = 2;
    private const byte TimestampTag = 1;
    private const byte TextTag = 2;
    private const byte UuidTag = 3;
    private const byte NumberTag = 4;

    /// <summary>Longer than any text key Relay sorts by (a status, a provider key).</summary>
    public const int MaxTextBytes = 256;

    private const int MaxByteLength = 3 + 1 + 2 + MaxTextBytes + 1 + 16;
    private static readonly int MaxTextLength = Base64Url.GetEncodedLength(MaxByteLength);

    private static readonly long MinMicroseconds = (DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks) / 10;
    private static readonly long MaxMicroseconds = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[MaxByteLength];
        bytes[0] = Version;
        bytes[1] = (byte)Order.List;
        bytes[2] = Order.Sort;
        var length = 3;
        switch (Key)
        {
            case DateTime timestamp:
                bytes[length++] = TimestampTag;
                BinaryPrimitives.WriteInt64BigEndian(bytes[length..], timestamp == DateTime.MaxValue ? MaxMicroseconds : (timestamp.Ticks - DateTime.UnixEpoch.Ticks) / 10);
                length += 8;
                break;
            case string text when StrictUtf8.GetByteCount(text) <= MaxTextBytes:
                bytes[length++] = TextTag;
                var written = StrictUtf8.GetBytes(text, bytes[(length + 2)..]);
                BinaryPrimitives.WriteUInt16BigEndian(bytes[length..], (ushort)written);
                length += 2 + written;
                break;
            default:
                throw new InvalidOperationException($"A cursor key is a DateTime or a string of at most {MaxTextBytes} UTF-8 bytes, not {Key}.");
        }
        switch (Id)
        {
            case Guid uuid:
                bytes[length++] = UuidTag;
                uuid.TryWriteBytes(bytes[length..], bigEndian: true, out _);
                length += 16;
                break;
            case long number:
                bytes[length++] = NumberTag;
                BinaryPrimitives.WriteInt64BigEndian(bytes[length..], number);
                length += 8;
                break;
            default:
                throw new InvalidOperationException($"A cursor id is a Guid or a long, not {Id}.");
        }
        return Base64Url.EncodeToString(bytes[..length]);
    }

    /// <summary>Reads a cursor <see cref="Encode"/> wrote, for any list; anything else (edited, truncated, another format) is refused.</summary>
    public static bool TryDecode(string text, out ListCursor? cursor)
    {
        cursor = null;
        if (text.Length > MaxTextLength)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[MaxByteLength];
        int length;
        try
        {
            if (!Base64Url.TryDecodeFromChars(text, bytes, out length))
            {
                return false;
            }
        }
        catch (FormatException)
        {
            // The decoder throws, rather than answering false, for some malformed input (stray trailing bits).
            return false;
        }
        var read = bytes[..length];
        if (read.Length < 4 || read[0] != Version || !Enum.IsDefined((CursorList)read[1]))
        {
            return false;
        }
        var order = new CursorOrder((CursorList)read[1], read[2]);
        read = read[3..];
        if (!TryReadKey(ref read, out var key) || !TryReadId(ref read, out var id) || !read.IsEmpty)
        {
            return false;
        }
        var decoded = new ListCursor(order, key, id);
        // One spelling per cursor: padding, whitespace or stray bits that the decoder tolerates are refused.
        if (!string.Equals(decoded.Encode(), text, StringComparison.Ordinal))
        {
            return false;
        }
        cursor = decoded;
        return true;
    }

    private static bool TryReadKey(ref Span<byte> read, out object key)
    {
        key = "";
        if (read.Length >= 9 && read[0] == TimestampTag)
        {
            var microseconds = BinaryPrimitives.ReadInt64BigEndian(read[1..]);
            if (microseconds < MinMicroseconds || microseconds > MaxMicroseconds)
            {
                return false;
            }
            // DateTime.MaxValue is how Npgsql reads +infinity (old rows' occurred_at); it comes back as itself, which
            // Npgsql writes as infinity again, rather than as the microsecond before it.
            key = microseconds == MaxMicroseconds
                ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc)
                : new DateTime(DateTime.UnixEpoch.Ticks + microseconds * 10, DateTimeKind.Utc);
            read = read[9..];
            return true;
        }
        if (read.Length >= 3 && read[0] == TextTag)
        {
            var textLength = BinaryPrimitives.ReadUInt16BigEndian(read[1..]);
            if (textLength > MaxTextBytes || read.Length < 3 + textLength)
            {
                return false;
            }
            string text;
            try
            {
                text = StrictUtf8.GetString(read.Slice(3, textLength));
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
            // PostgreSQL text cannot hold NUL: such a key would fail in the database rather than here.
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                return false;
            }
            key = text;
            read = read[(3 + textLength)..];
            return true;
        }
        return false;
    }

    private static bool TryReadId(ref Span<byte> read, out object id)
    {
        id = 0L;
        if (read.Length >= 17 && read[0] == UuidTag)
        {
            id = new Guid(read.Slice(1, 16), bigEndian: true);
            read = read[17..];
            return true;
        }
        if (read.Length >= 9 && read[0] == NumberTag)
        {
            id = BinaryPrimitives.ReadInt64BigEndian(read[1..]);
            read = read[9..];
            return true;
        }
        return false;
    }
}
