using System.Buffers;
using System.Text;
using Relay.Infrastructure.Redis;

namespace Relay.UnitTests.Redis;

public sealed class RespWriterTests
{
    [Fact]
    public void Encodes_command_as_array_of_bulk_strings()
    {
        Assert.Equal("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", Encode("SET", "key", "value"));
    }

    [Fact]
    public void Bulk_lengths_count_utf8_bytes_not_characters()
    {
        var bytes = EncodeBytes("SET", "k", "é€");
        var expected = Encoding.UTF8.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\né€\r\n");
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Encodes_empty_argument_and_embedded_CRLF_verbatim()
    {
        Assert.Equal("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\na\r\nb\r\n", Encode("SET", "", "a\r\nb"));
    }

    [Fact]
    public void Encodes_large_argument_with_multi_digit_length()
    {
        var big = new string('x', 100_000);
        var encoded = Encode("SET", "k", big);
        Assert.StartsWith("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\nxxx", encoded);
        Assert.EndsWith("xxx\r\n", encoded);
    }

    [Fact]
    public void What_the_writer_encodes_the_parser_reads_back_as_the_same_strings()
    {
        string[] arguments = ["SET", "clé:1", "line1\r\nline2", "", "EX", "60"];
        var bytes = EncodeBytes(arguments);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.True(RespParser.TryParse(ref reader, out var value));
        Assert.Equal(arguments, value.Items!.Select(item => item.Text));
    }

    private static string Encode(params string[] arguments) => Encoding.UTF8.GetString(EncodeBytes(arguments));

    private static byte[] EncodeBytes(params string[] arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(buffer, arguments);
        return buffer.WrittenSpan.ToArray();
    }
}
