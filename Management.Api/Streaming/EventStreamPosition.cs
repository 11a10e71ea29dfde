using System.Buffers.Binary;
using System.Buffers.Text;

namespace Relay.Management.Api.Streaming;

/// <summary>
/// Where a live tail is in the stream of accepted events, which is ordered by (the id of the transaction that inserted
/// the event, the event's id): the position of the last event sent, or, with <see cref="LastEventId"/>, the point
/// after everything the transactions up to <see cref="TransactionId"/> inserted. Sent as each message's SSE <c>id</c>
/// and taken back as <c>Last-Event-ID</c>. Opaque to clients: base64url of a format byte (none a list cursor starts
/// with, so neither is taken for the other), the transaction id and the event id.
/// </summary>
public readonly record struct EventStreamPosition(long TransactionId, Guid EventId)
{
    /// <summary>The greatest UUID in PostgreSQL's order (bytewise), which no event id reaches.</summary>
    public static readonly Guid LastEventId = Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff");

    private const byte Format = 0x53;
    private const int ByteLength = 1 + 8 + 16;
    private static readonly int TextLength = Base64Url.GetEncodedLength(ByteLength);

    /// <summary>The point after every event inserted by a transaction older than <paramref name="transactionId"/>.</summary>
    public static EventStreamPosition Before(long transactionId) => new(transactionId - 1, LastEventId);

    /// <summary>
    /// The later of this position and <see cref="Before"/>(<paramref name="horizon"/>). Only transaction ids need
    /// comparing: a position in the same transaction as <c>Before</c>'s is never after it.
    /// </summary>
    public EventStreamPosition AtLeastBefore(long horizon) => horizon - 1 >= TransactionId ? Before(horizon) : this;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        bytes[0] = Format;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], TransactionId);
        EventId.TryWriteBytes(bytes[9..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a position <see cref="Encode"/> wrote; anything else (edited, truncated, a list cursor) is refused.</summary>
    public static bool TryDecode(string text, out EventStreamPosition position)
    {
        position = default;
        Span<byte> bytes = stackalloc byte[ByteLength];
        try
        {
            if (text.Length != TextLength || !Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != ByteLength || bytes[0] != Format)
            {
                return false;
            }
        }
        catch (FormatException)
        {
            // The decoder throws, rather than answering false, for some malformed input (stray trailing bits).
            return false;
        }
        var decoded = new EventStreamPosition(BinaryPrimitives.ReadInt64BigEndian(bytes[1..]), new Guid(bytes[9..], bigEndian: true));
        if (decoded.TransactionId < 0 || !string.Equals(decoded.Encode(), text, StringComparison.Ordinal))
        {
            return false;
        }
        position = decoded;
        return true;
    }
}
