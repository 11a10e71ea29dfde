using Relay.Client.Http;

namespace Relay.UnitTests.Client;

public sealed class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("5", 5)]
    [InlineData(" 120 ", 120)]
    [InlineData("Fri, 20 Nov 2026 10:00:30 GMT", 30)]
    [InlineData("Fri, 20 Nov 2026 09:59:00 GMT", 0)]
    public void Reads_seconds_and_http_dates_as_the_time_left(string header, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterHeader.Parse(header, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void Anything_else_is_no_hint(string? header)
    {
        Assert.Null(RetryAfterHeader.Parse(header, Now));
    }
}
