using System.Text;
using System.Text.Json;
using Relay.Infrastructure.Destinations;

namespace Relay.UnitTests.Destinations;

/// <summary>The exact number comparison and the UTF-8 string handling under the payload filter.</summary>
public sealed class JsonValueTextTests
{
    private static int CompareNumbers(string left, string right)
    {
        Assert.True(JsonNumber.TryParse(Encoding.UTF8.GetBytes(left), out var l), left);
        Assert.True(JsonNumber.TryParse(Encoding.UTF8.GetBytes(right), out var r), right);
        return Math.Sign(JsonNumber.Compare(l, r));
    }

    [Theory]
    [InlineData("1", "1.0", 0)]
    [InlineData("1", "1e0", 0)]
    [InlineData("1", "0.1e1", 0)]
    [InlineData("100", "1E2", 0)]
    [InlineData("100", "1e+2", 0)]
    [InlineData("0.05", "5e-2", 0)]
    [InlineData("0", "-0", 0)]
    [InlineData("0", "0.000e99", 0)]
    [InlineData("-0.0", "0e-5", 0)]
    [InlineData("10.01", "1001e-2", 0)]
    [InlineData("1", "2", -1)]
    [InlineData("2", "10", -1)]
    [InlineData("-2", "-10", 1)]
    [InlineData("-1", "0", -1)]
    [InlineData("0", "1e-400", -1)]
    [InlineData("-1e-400", "0", -1)]
    [InlineData("1e400", "1e399", 1)]
    [InlineData("-1e400", "-1e399", -1)]
    [InlineData("1.5", "1.25", 1)]
    [InlineData("1.25", "1.250000000000000000000000000000000001", -1)]
    [InlineData("9007199254740993", "9007199254740992", 1)]
    [InlineData("79228162514264337593543950336", "79228162514264337593543950335", 1)]
    [InlineData("123.456", "123.4560", 0)]
    [InlineData("0.1", "0.09999999999999999999999999999999999", 1)]
    public void Numbers_compare_by_exact_decimal_value(string left, string right, int expected)
    {
        Assert.Equal(expected, CompareNumbers(left, right));
        Assert.Equal(-expected, CompareNumbers(right, left));
    }

    [Fact]
    public void Enormous_exponents_saturate_instead_of_overflowing()
    {
        Assert.Equal(1, CompareNumbers("1e99999999999999999999999999", "1e400"));
        Assert.Equal(-1, CompareNumbers("1e-99999999999999999999999999", "1e-400"));
        Assert.Equal(1, CompareNumbers("2e99999999999999999999999999", "1e99999999999999999999999999"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData("-01")]
    [InlineData("1.")]
    [InlineData(".1")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("1E-")]
    [InlineData("--1")]
    [InlineData("1.0.0")]
    [InlineData("1e1e1")]
    [InlineData("0x10")]
    [InlineData("1 ")]
    [InlineData(" 1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void Only_JSON_number_syntax_is_a_number(string text)
    {
        Assert.False(JsonNumber.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void Numbers_agree_with_decimal_wherever_decimal_is_exact()
    {
        var random = new Random(12_345);
        for (var i = 0; i < 2000; i++)
        {
            var left = new decimal(random.Next(), random.Next(), random.Next(0, 1000), random.Next(2) == 0, (byte)random.Next(0, 29));
            var right = random.Next(4) == 0 ? left : new decimal(random.Next(), random.Next(), random.Next(0, 1000), random.Next(2) == 0, (byte)random.Next(0, 29));
            var leftText = left.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var rightText = right.ToString("E20", System.Globalization.CultureInfo.InvariantCulture);
            if (decimal.Parse(rightText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture) != right)
            {
                continue;   // E20 rounded it: not the same value any more
            }
            Assert.Equal(Math.Sign(left.CompareTo(right)), CompareNumbers(leftText, rightText));
        }
    }

    [Theory]
    [InlineData("plain", "plain", "Complete")]
    [InlineData("", "", "Complete")]
    [InlineData(@"a\""b\\c\/d", "a\"b\\c/d", "Complete")]
    [InlineData(@"\b\f\n\r\t", "\b\f\n\r\t", "Complete")]
    [InlineData(@"caf\u00e9", "café", "Complete")]
    [InlineData(@"caf\u00E9", "café", "Complete")]
    [InlineData(@"\u0000", "\0", "Complete")]
    [InlineData(@"\ud83d\ude00!", "😀!", "Complete")]
    [InlineData(@"ab\ud800", "ab", "NotText")]
    [InlineData(@"ab\ud800x", "ab", "NotText")]
    [InlineData(@"ab\udc00", "ab", "NotText")]
    [InlineData(@"ab\ud83d\ud83d", "ab", "NotText")]
    [InlineData(@"ab\x", "ab", "NotText")]
    [InlineData(@"ab\u12", "ab", "NotText")]
    [InlineData(@"ab\", "ab", "NotText")]
    public void Unescaping_resolves_JSON_escapes_and_stops_at_what_is_not_text(string escaped, string expected, string expectedEnd)
    {
        Span<byte> buffer = stackalloc byte[64];
        Assert.Equal(expectedEnd, JsonStringText.Unescape(Encoding.UTF8.GetBytes(escaped), buffer, out var written).ToString());
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer[..written]));
    }

    [Theory]
    [InlineData("abcdef", 3, "abc")]
    [InlineData(@"ab\u00e9", 3, "ab")]      // é needs two bytes: not written in half
    [InlineData(@"ab\u00e9c", 4, "abé")]
    [InlineData(@"\n\n\n", 2, "\n\n")]
    public void Unescaping_stops_where_the_destination_is_full(string escaped, int room, string expected)
    {
        Span<byte> buffer = stackalloc byte[room];
        Assert.Equal(TextEnd.Truncated, JsonStringText.Unescape(Encoding.UTF8.GetBytes(escaped), buffer, out var written));
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer[..written]));
    }

    [Theory]
    [InlineData("name", "name", true)]
    [InlineData("name", "Name", false)]
    [InlineData(@"n\u0061me", "name", true)]
    [InlineData(@"n\u0061me", "nam", false)]
    [InlineData(@"n\u0061me", "names", false)]
    [InlineData(@"\ud800", "\ufffd", false)]
    [InlineData(@"\u00e9", "é", true)]
    public void Property_names_compare_as_unescaped(string rawName, string name, bool expected)
    {
        Assert.Equal(expected, JsonStringText.NameEquals(Encoding.UTF8.GetBytes(rawName), Encoding.UTF8.GetBytes(name)));
    }

    [Fact]
    public void String_order_is_dotnet_ordinal_order()
    {
        var alphabet = new[] { "a", "b", "A", "é", "\u00ff", "\u0100", "\uffff", "\ue000", "😀", "\U0001F600", "𝄞", "\0", "~" };
        var random = new Random(2024);
        for (var i = 0; i < 3000; i++)
        {
            var left = string.Concat(Enumerable.Range(0, random.Next(0, 5)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            var right = random.Next(5) == 0
                ? left + alphabet[random.Next(alphabet.Length)]
                : string.Concat(Enumerable.Range(0, random.Next(0, 5)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            var order = JsonStringText.CompareOrdinal(Encoding.UTF8.GetBytes(left), TextEnd.Complete, right);
            Assert.Equal(Math.Sign(string.CompareOrdinal(left, right)), Math.Sign(order!.Value));
        }
    }

    [Fact]
    public void String_order_is_undecided_when_it_reaches_what_is_not_text()
    {
        byte[] invalid = [(byte)'a', 0xC3, (byte)'b'];
        Assert.Null(JsonStringText.CompareOrdinal(invalid, TextEnd.Complete, "ab"));
        Assert.Equal(-1, JsonStringText.CompareOrdinal(invalid, TextEnd.Complete, "b"));
        Assert.Equal(1, JsonStringText.CompareOrdinal(invalid, TextEnd.Complete, "a"));
        Assert.Null(JsonStringText.CompareOrdinal("ab"u8, TextEnd.NotText, "abc"));
        Assert.Equal(1, JsonStringText.CompareOrdinal("ab"u8, TextEnd.NotText, "ab"));
        Assert.Equal(-1, JsonStringText.CompareOrdinal("ab"u8, TextEnd.NotText, "b"));
    }

    [Fact]
    public void A_prefix_of_the_advertised_size_decides_the_order()
    {
        var random = new Random(7);
        var alphabet = new[] { "a", "é", "\uffff", "😀" };
        for (var i = 0; i < 2000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 8)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            var value = random.Next(2) == 0
                ? text + string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]))
                : string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            var escaped = JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default })[1..^1];
            var prefix = new byte[JsonStringText.PrefixBytesToCompare(text.Length)];
            var end = JsonStringText.Unescape(Encoding.UTF8.GetBytes(escaped), prefix, out var written);
            var order = JsonStringText.CompareOrdinal(prefix.AsSpan(0, written), end, text);
            Assert.Equal(Math.Sign(string.CompareOrdinal(value, text)), Math.Sign(order!.Value));
        }
    }
}
