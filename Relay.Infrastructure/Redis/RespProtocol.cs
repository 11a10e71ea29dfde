using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Relay.Infrastructure.Redis;

/// <summary>Encodes commands as RESP2 arrays of bulk strings (binary-safe, UTF-8).</summary>
internal static class RespWriter
{
    // Replacement rather than throwing on lone surrogates: this runs on the shared writer loop, where an
    // exception would tear down the connection for every caller, not just the one with the odd string.
    private static readonly Encoding Utf8 = Encoding.UTF8;

    public static void WriteCommand(IBufferWriter<byte> output, IReadOnlyList<string> arguments)
    {
        WriteHeader(output, (byte)'*', arguments.Count);
        for (var index = 0; index < arguments.Count; index++)
        {
            var argument = arguments[index];
            var byteCount = Utf8.GetByteCount(argument);
            WriteHeader(output, (byte)'$', byteCount);
            var span = output.GetSpan(byteCount + 2);
            var written = Utf8.GetBytes(argument, span);
            span[written] = (byte)'\r';
            span[written + 1] = (byte)'\n';
            output.Advance(written + 2);
        }
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte prefix, int length)
    {
        // Prefix, at most 10 digits, CRLF.
        var span = output.GetSpan(13);
        span[0] = prefix;
        length.TryFormat(span[1..], out var digits, default, CultureInfo.InvariantCulture);
        span[1 + digits] = (byte)'\r';
        span[2 + digits] = (byte)'\n';
        output.Advance(3 + digits);
    }
}

/// <summary>
/// Incremental RESP2 decoder. <see cref="TryParse"/> returns false when the buffer holds only part of a reply,
/// so the caller keeps the bytes and tries again once more arrive; malformed input throws <see cref="InvalidDataException"/>.
/// </summary>
internal static class RespParser
{
    /// <summary>Redis's own proto-max-bulk-len default.</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    public const long MaxArrayLength = 16L * 1024 * 1024;

    /// <summary>Header and simple-string lines are short; a longer run without CRLF means the stream is not RESP.</summary>
    public const int MaxLineLength = 64 * 1024;

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    public static bool TryParse(ref SequenceReader<byte> reader, out RespValue value)
    {
        value = default;
        if (!reader.TryRead(out var prefix))
        {
            return false;
        }

        switch (prefix)
        {
            case (byte)'+':
                if (!TryReadLine(ref reader, out var simple))
                {
                    return false;
                }
                value = RespValue.SimpleString(DecodeSimpleString(simple));
                return true;

            case (byte)'-':
                if (!TryReadLine(ref reader, out var error))
                {
                    return false;
                }
                value = RespValue.Error(Encoding.UTF8.GetString(error));
                return true;

            case (byte)':':
                if (!TryReadLine(ref reader, out var integer))
                {
                    return false;
                }
                value = RespValue.FromInteger(ParseInteger(integer));
                return true;

            case (byte)'$':
                return TryParseBulkString(ref reader, out value);

            case (byte)'*':
                return TryParseArray(ref reader, out value);

            default:
                throw new InvalidDataException($"Unexpected RESP type marker 0x{prefix:X2}.");
        }
    }

    private static bool TryParseBulkString(ref SequenceReader<byte> reader, out RespValue value)
    {
        value = default;
        if (!TryReadLine(ref reader, out var header))
        {
            return false;
        }
        var length = ParseInteger(header);
        if (length == -1)
        {
            value = RespValue.BulkString(null);
            return true;
        }
        if (length < -1 || length > MaxBulkLength)
        {
            throw new InvalidDataException($"Invalid RESP bulk string length {length}.");
        }
        if (reader.Remaining < length + 2)
        {
            return false;
        }
        var payload = reader.UnreadSequence.Slice(0, length);
        reader.Advance(length);
        if (!reader.IsNext(CrLf, advancePast: true))
        {
            throw new InvalidDataException("RESP bulk string is not terminated by CRLF.");
        }
        value = RespValue.BulkString(Encoding.UTF8.GetString(payload));
        return true;
    }

    private static bool TryParseArray(ref SequenceReader<byte> reader, out RespValue value)
    {
        value = default;
        if (!TryReadLine(ref reader, out var header))
        {
            return false;
        }
        var count = ParseInteger(header);
        if (count == -1)
        {
            value = RespValue.Array(null);
            return true;
        }
        if (count < -1 || count > MaxArrayLength)
        {
            throw new InvalidDataException($"Invalid RESP array length {count}.");
        }
        // Every element takes at least 3 bytes ("+\r\n"): wait for them before allocating, so a large
        // announced count cannot make us allocate far ahead of the data actually received.
        if (reader.Remaining < count * 3)
        {
            return false;
        }
        var items = new RespValue[count];
        for (var index = 0; index < items.Length; index++)
        {
            if (!TryParse(ref reader, out items[index]))
            {
                return false;
            }
        }
        value = RespValue.Array(items);
        return true;
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        if (reader.TryReadTo(out line, CrLf, advancePastDelimiter: true))
        {
            if (line.Length > MaxLineLength)
            {
                throw new InvalidDataException("RESP line is too long.");
            }
            return true;
        }
        if (reader.Remaining > MaxLineLength)
        {
            throw new InvalidDataException("RESP line is too long.");
        }
        return false;
    }

    private static long ParseInteger(ReadOnlySequence<byte> line)
    {
        // A long has at most 20 characters; anything longer is malformed anyway.
        Span<byte> buffer = stackalloc byte[20];
        if (line.Length is 0 or > 20)
        {
            throw new InvalidDataException("Invalid RESP integer.");
        }
        line.CopyTo(buffer);
        var digits = buffer[..(int)line.Length];
        if (!Utf8Parser.TryParse(digits, out long value, out var consumed) || consumed != digits.Length)
        {
            throw new InvalidDataException($"Invalid RESP integer '{Encoding.ASCII.GetString(digits)}'.");
        }
        return value;
    }

    private static string DecodeSimpleString(ReadOnlySequence<byte> line)
    {
        // The replies seen on the hot path: return shared instances instead of allocating each time.
        if (line.IsSingleSegment)
        {
            var span = line.FirstSpan;
            if (span.SequenceEqual("OK"u8))
            {
                return "OK";
            }
            if (span.SequenceEqual("PONG"u8))
            {
                return "PONG";
            }
        }
        return Encoding.UTF8.GetString(line);
    }
}
