using System.Buffers;
using System.Text;
using Relay.Infrastructure.Redis;

namespace Relay.UnitTests.Redis;

public sealed class RespParserTests
{
    [Fact]
    public void Parses_simple_string()
    {
        var value = ParseSingle("+OK\r\n");
        Assert.Equal(RespType.SimpleString, value.Type);
        Assert.Equal("OK", value.Text);
    }

    [Fact]
    public void Parses_error_with_message()
    {
        var value = ParseSingle("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        Assert.Equal(RespType.Error, value.Type);
        Assert.Equal("WRONGTYPE Operation against a key holding the wrong kind of value", value.Text);
    }

    [Theory]
    [InlineData(":0\r\n", 0L)]
    [InlineData(":42\r\n", 42L)]
    [InlineData(":-7\r\n", -7L)]
    [InlineData(":9223372036854775807\r\n", long.MaxValue)]
    [InlineData(":-9223372036854775808\r\n", long.MinValue)]
    public void Parses_integers(string input, long expected)
    {
        var value = ParseSingle(input);
        Assert.Equal(RespType.Integer, value.Type);
        Assert.Equal(expected, value.Integer);
    }

    [Fact]
    public void Parses_bulk_string()
    {
        var value = ParseSingle("$5\r\nhello\r\n");
        Assert.Equal(RespType.BulkString, value.Type);
        Assert.False(value.IsNull);
        Assert.Equal("hello", value.Text);
    }

    [Fact]
    public void Parses_empty_bulk_string_as_empty_not_null()
    {
        var value = ParseSingle("$0\r\n\r\n");
        Assert.Equal(RespType.BulkString, value.Type);
        Assert.False(value.IsNull);
        Assert.Equal("", value.Text);
    }

    [Fact]
    public void Parses_null_bulk_string()
    {
        var value = ParseSingle("$-1\r\n");
        Assert.Equal(RespType.BulkString, value.Type);
        Assert.True(value.IsNull);
        Assert.Null(value.Text);
    }

    [Fact]
    public void Bulk_string_is_binary_safe_and_utf8()
    {
        // CRLF inside the payload must not end it; the length is in bytes, not characters.
        var text = "a\r\nb ü €";
        var payload = Encoding.UTF8.GetBytes(text);
        var input = Encoding.ASCII.GetBytes($"${payload.Length}\r\n").Concat(payload).Concat("\r\n"u8.ToArray()).ToArray();
        var value = ParseSingle(input);
        Assert.Equal(text, value.Text);
    }

    [Fact]
    public void Parses_nested_array_with_mixed_elements()
    {
        var value = ParseSingle("*4\r\n:1\r\n$3\r\nfoo\r\n$-1\r\n*2\r\n+OK\r\n-ERR no\r\n");
        Assert.Equal(RespType.Array, value.Type);
        var items = value.Items!;
        Assert.Equal(4, items.Length);
        Assert.Equal(1, items[0].Integer);
        Assert.Equal("foo", items[1].Text);
        Assert.True(items[2].IsNull);
        Assert.Equal(RespType.Array, items[3].Type);
        Assert.Equal("OK", items[3].Items![0].Text);
        Assert.Equal(RespType.Error, items[3].Items![1].Type);
    }

    [Fact]
    public void Parses_empty_and_null_arrays()
    {
        var empty = ParseSingle("*0\r\n");
        Assert.Empty(empty.Items!);
        var nullArray = ParseSingle("*-1\r\n");
        Assert.True(nullArray.IsNull);
    }

    [Fact]
    public void Parses_several_replies_in_one_buffer_in_order()
    {
        var values = ParseAll(Encoding.UTF8.GetBytes("+PONG\r\n:5\r\n$2\r\nhi\r\n$-1\r\n"), out var consumedAll);
        Assert.True(consumedAll);
        Assert.Equal(["+PONG", ":5", "\"hi\"", "(nil)"], values.Select(value => value.ToString()));
    }

    [Theory]
    [InlineData("+OK\r\n")]
    [InlineData(":12345\r\n")]
    [InlineData("$12\r\nhello\r\nworld\r\n")]
    [InlineData("*3\r\n$3\r\nabc\r\n*1\r\n:1\r\n$-1\r\n")]
    [InlineData("-ERR unknown command\r\n")]
    public void Every_truncated_prefix_is_incomplete_and_the_whole_reply_parses(string input)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        for (var length = 0; length < bytes.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));
            Assert.False(RespParser.TryParse(ref reader, out _), $"prefix of {length} bytes should be incomplete");
        }
        var full = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.True(RespParser.TryParse(ref full, out _));
        Assert.Equal(0, full.Remaining);
    }

    [Fact]
    public void Parses_replies_split_across_many_buffer_segments()
    {
        // The socket delivers data in arbitrary chunks: one byte per segment is the worst case.
        var input = Encoding.UTF8.GetBytes("*2\r\n$6\r\nkey:é\r\n:-15\r\n+OK\r\n");
        var sequence = SegmentedSequence(input.Select(single => new[] { single }).ToArray());
        var values = ParseAll(sequence, out var consumedAll);
        Assert.True(consumedAll);
        Assert.Equal(2, values.Count);
        Assert.Equal("key:é", values[0].Items![0].Text);
        Assert.Equal(-15, values[0].Items![1].Integer);
        Assert.Equal("OK", values[1].Text);
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":12a\r\n")]
    [InlineData(":\r\n")]
    [InlineData("$3\r\nabcXY")]
    [InlineData("$-2\r\n")]
    [InlineData("*-5\r\n")]
    [InlineData("$x\r\n")]
    public void Malformed_input_throws_InvalidDataException(string input)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
            RespParser.TryParse(ref reader, out _);
        });
    }

    [Fact]
    public void A_line_without_CRLF_beyond_the_limit_is_rejected_rather_than_buffered_forever()
    {
        var bytes = Encoding.ASCII.GetBytes("+" + new string('x', RespParser.MaxLineLength + 10));
        Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
            RespParser.TryParse(ref reader, out _);
        });
    }

    [Fact]
    public void A_huge_announced_array_waits_for_data_instead_of_allocating()
    {
        var bytes = Encoding.ASCII.GetBytes("*1000000\r\n:1\r\n");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.False(RespParser.TryParse(ref reader, out _));
    }

    private static RespValue ParseSingle(string input) => ParseSingle(Encoding.UTF8.GetBytes(input));

    private static RespValue ParseSingle(byte[] input)
    {
        var values = ParseAll(new ReadOnlySequence<byte>(input), out var consumedAll);
        Assert.True(consumedAll);
        return Assert.Single(values);
    }

    private static List<RespValue> ParseAll(byte[] input, out bool consumedAll) => ParseAll(new ReadOnlySequence<byte>(input), out consumedAll);

    private static List<RespValue> ParseAll(ReadOnlySequence<byte> input, out bool consumedAll)
    {
        var reader = new SequenceReader<byte>(input);
        var values = new List<RespValue>();
        while (RespParser.TryParse(ref reader, out var value))
        {
            values.Add(value);
        }
        consumedAll = reader.Remaining == 0;
        return values;
    }

    private static ReadOnlySequence<byte> SegmentedSequence(byte[][] chunks)
    {
        var first = new Segment(chunks[0], 0);
        var last = first;
        foreach (var chunk in chunks.Skip(1))
        {
            last = last.Append(chunk);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
