using System.Text;
using Relay.Management.Api.Replays;

namespace Relay.UnitTests.Management;

public sealed class ReplayRequestInputTests
{
    private static ReplayRequestParse Parse(string body) => ReplayRequestInput.Parse(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Reads_requested_by_and_reason_trimmed()
    {
        var parsed = Parse("""{"requestedBy":"  ops-user ","reason":" Replay after downstream outage ","extra":1}""");
        Assert.Equal(new ReplayRequestInput("ops-user", "Replay after downstream outage"), parsed.Value);
    }

    [Theory]
    [InlineData("""{"reason":"downstream outage"}""")]
    [InlineData("""{"requestedBy":null,"reason":"downstream outage"}""")]
    public void Requested_by_defaults_to_api_user(string body)
    {
        Assert.Equal("api-user", Parse(body).Value!.RequestedBy);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{}")]
    [InlineData("""{"requestedBy":"ops"}""")]
    [InlineData("""{"reason":null}""")]
    public void Reason_is_required(string body)
    {
        var parsed = Parse(body);
        Assert.Null(parsed.Value);
        Assert.Equal("is required", parsed.Errors!["reason"]);
    }

    [Theory]
    [InlineData("""{"reason":"four"}""", "reason")]
    [InlineData("""{"reason":"    four    "}""", "reason")]
    [InlineData("""{"reason":42}""", "reason")]
    [InlineData("""{"reason":["a","b"]}""", "reason")]
    [InlineData("""{"reason":"long enough","requestedBy":"x"}""", "requestedBy")]
    [InlineData("""{"reason":"long enough","requestedBy":7}""", "requestedBy")]
    [InlineData("""{"reason":"long enough","requestedBy":true}""", "requestedBy")]
    [InlineData("""{"reason":"nul \u0000 inside"}""", "reason")]
    [InlineData("""{"reason":"lone \ud800 surrogate"}""", "reason")]
    [InlineData("""{"reason":"swapped \udc00\ud800 pair"}""", "reason")]
    [InlineData("""{"reason":"long enough","requestedBy":"a\u0000b"}""", "requestedBy")]
    public void Field_errors_name_the_field(string body, string field)
    {
        var parsed = Parse(body);
        Assert.Null(parsed.Value);
        Assert.Equal("Invalid replay request", parsed.Message);
        Assert.Contains(field, parsed.Errors!.Keys);
    }

    [Fact]
    public void Length_limits_are_inclusive()
    {
        Assert.NotNull(Parse($$"""{"requestedBy":"ab","reason":"{{new string('r', 500)}}"}""").Value);
        Assert.NotNull(Parse($$"""{"requestedBy":"{{new string('u', 120)}}","reason":"abcde"}""").Value);
        Assert.Contains("reason", Parse($$"""{"reason":"{{new string('r', 501)}}"}""").Errors!.Keys);
        Assert.Contains("requestedBy", Parse($$"""{"requestedBy":"{{new string('u', 121)}}","reason":"abcde"}""").Errors!.Keys);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"reason\":")]
    [InlineData("[]")]
    [InlineData("\"reason\"")]
    [InlineData("null")]
    [InlineData("42")]
    public void Anything_but_a_json_object_is_rejected(string body)
    {
        var parsed = Parse(body);
        Assert.Null(parsed.Value);
        Assert.Equal("Request body must be a JSON object", parsed.Message);
    }
}
