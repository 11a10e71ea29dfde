using System.Text;
using Relay.Management.Api.Destinations;

namespace Relay.UnitTests.Management;

public sealed class DestinationActionBodyTests
{
    [Theory]
    [InlineData("", "api-user")]
    [InlineData("{}", "api-user")]
    [InlineData("""{"requestedBy":" ops "}""", "ops")]
    public void Pause_and_resume_take_an_optional_requested_by(string body, string expected) =>
        Assert.Equal(expected, ActionRequest.Parse(Encoding.UTF8.GetBytes(body)).Value!.RequestedBy);

    [Theory]
    [InlineData("""{"requestedBy":"x"}""", "requestedBy")]
    [InlineData("""{"reason":"because"}""", "reason")]
    public void Pause_and_resume_refuse_anything_else(string body, string field) =>
        Assert.Contains(field, ActionRequest.Parse(Encoding.UTF8.GetBytes(body)).Errors!.Keys);

    [Theory]
    [InlineData("", 86_400)]
    [InlineData("""{"graceSeconds":null}""", 86_400)]
    [InlineData("""{"graceSeconds":0}""", 0)]
    [InlineData("""{"graceSeconds":604800}""", 604_800)]
    public void Rotation_grace_defaults_to_a_day_and_is_at_most_a_week(string body, int expected) =>
        Assert.Equal(expected, SecretRotationRequest.Parse(Encoding.UTF8.GetBytes(body)).Value!.GraceSeconds);

    [Theory]
    [InlineData("""{"graceSeconds":604801}""", "graceSeconds")]
    [InlineData("""{"graceSeconds":-1}""", "graceSeconds")]
    [InlineData("""{"graceSeconds":1.5}""", "graceSeconds")]
    [InlineData("""{"graceSeconds":"60"}""", "graceSeconds")]
    [InlineData("""{"secret":"whsec_mine"}""", "secret")]
    public void Rotation_refuses_bad_bodies(string body, string field) =>
        Assert.Contains(field, SecretRotationRequest.Parse(Encoding.UTF8.GetBytes(body)).Errors!.Keys);

    [Fact]
    public void A_body_that_is_not_an_object_is_refused()
    {
        Assert.Equal("Request body must be a JSON object", ActionRequest.Parse("[]"u8.ToArray()).Message);
        Assert.Equal("Request body must be a JSON object", SecretRotationRequest.Parse("nope"u8.ToArray()).Message);
    }
}
