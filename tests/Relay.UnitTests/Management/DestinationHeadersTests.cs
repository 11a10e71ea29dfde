using Relay.Management.Api.Destinations;

namespace Relay.UnitTests.Management;

public sealed class DestinationHeadersTests
{
    [Theory]
    [InlineData("X-Tenant")]
    [InlineData("Authorization")]
    [InlineData("x-api-key")]
    [InlineData("X_Odd.Name~1!")]
    public void Custom_names_are_accepted(string name) => Assert.Null(DestinationHeaders.CheckName(name));

    [Theory]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("Proxy-Authorization")]
    [InlineData("proxy-anything")]
    [InlineData("TE")]
    [InlineData("Trailer")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Upgrade")]
    [InlineData("HOST")]
    [InlineData("Content-Length")]
    [InlineData("Content-Type")]
    [InlineData("Content-Encoding")]
    [InlineData("Webhook-Id")]
    [InlineData("webhook-timestamp")]
    [InlineData("Webhook-Signature")]
    [InlineData("X-Integration-Provider")]
    [InlineData("X-Event-Id")]
    [InlineData("x-correlation-id")]
    [InlineData("User-Agent")]
    public void Relays_framing_signature_and_own_headers_are_refused(string name)
    {
        Assert.True(DestinationHeaders.IsName(name));
        Assert.Contains("set by Relay", DestinationHeaders.CheckName(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bad Name")]
    [InlineData("X:Colon")]
    [InlineData("X(Paren)")]
    [InlineData("Ünicode")]
    public void Names_must_be_tokens(string name)
    {
        Assert.False(DestinationHeaders.IsName(name));
        Assert.Contains("HTTP token", DestinationHeaders.CheckName(name));
    }

    [Fact]
    public void Names_are_at_most_100_characters()
    {
        Assert.Null(DestinationHeaders.CheckName(new string('x', 100)));
        Assert.NotNull(DestinationHeaders.CheckName(new string('x', 101)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer abc.def-ghi")]
    [InlineData("a\tb c ~!")]
    public void Printable_ascii_values_are_accepted(string value) => Assert.Null(DestinationHeaders.CheckValue(value));

    [Theory]
    [InlineData("a\rb", "CR, LF or NUL")]
    [InlineData("a\nb", "CR, LF or NUL")]
    [InlineData("a\0b", "CR, LF or NUL")]
    [InlineData("bell\u0007", "printable ASCII")]
    [InlineData("del\u007f", "printable ASCII")]
    [InlineData("café", "printable ASCII")]
    public void Values_that_would_split_or_break_the_request_are_refused(string value, string reason) =>
        Assert.Contains(reason, DestinationHeaders.CheckValue(value));

    [Fact]
    public void Values_are_at_most_1000_characters()
    {
        Assert.Null(DestinationHeaders.CheckValue(new string('v', 1000)));
        Assert.NotNull(DestinationHeaders.CheckValue(new string('v', 1001)));
    }
}
