using System.Text;
using Relay.Management.Api.Integrations;

namespace Relay.UnitTests.Management;

public sealed class IntegrationInputTests
{
    private const string Secret = "0123456789abcdef";

    private static ReadOnlyMemory<byte> Utf8(string body) => Encoding.UTF8.GetBytes(body);

    [Fact]
    public void A_new_integration_reads_every_field_trimmed_except_the_secret()
    {
        var parsed = NewIntegrationInput.Parse(Utf8($$"""
            {"provider":" ACME ","name":"  Acme Corp ","secret":"{{Secret}}","callbackUrl":" https://hooks.example.com/acme ","isActive":false,"requestedBy":" ops "}
            """));
        Assert.Equal(new NewIntegrationInput("acme", "Acme Corp", Secret, "https://hooks.example.com/acme", false, "ops"), parsed.Value);
    }

    [Fact]
    public void A_new_integration_is_active_and_unattributed_unless_told()
    {
        var parsed = NewIntegrationInput.Parse(Utf8($$"""{"provider":"globex","name":"G","secret":"{{Secret}}","callbackUrl":"http://hooks.example.com/"}"""));
        Assert.True(parsed.Value!.IsActive);
        Assert.Null(parsed.Value.RequestedBy);
    }

    [Theory]
    [InlineData("""{"provider":"initech"}""", "provider")]
    [InlineData("""{"provider":""}""", "provider")]
    [InlineData("""{"provider":7}""", "provider")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"   "}""", "name")]
    [InlineData("""{"name":"a\u0000b"}""", "name")]
    [InlineData("""{"name":"lone \ud800"}""", "name")]
    [InlineData("""{"secret":"too-short"}""", "secret")]
    [InlineData("""{"secret":" 0123456789abcdef"}""", "secret")]
    [InlineData("""{"secret":"0123456789abcdef\n"}""", "secret")]
    [InlineData("""{"secret":"0123456789abcdéf"}""", "secret")]
    [InlineData("""{"secret":12345678901234567890}""", "secret")]
    [InlineData("""{"callbackUrl":"not a url"}""", "callbackUrl")]
    [InlineData("""{"callbackUrl":"/relative/path"}""", "callbackUrl")]
    [InlineData("""{"callbackUrl":"ftp://example.com/x"}""", "callbackUrl")]
    [InlineData("""{"callbackUrl":"file:///etc/passwd"}""", "callbackUrl")]
    [InlineData("""{"callbackUrl":"https://user:pass@example.com/"}""", "callbackUrl")]
    [InlineData("""{"isActive":"yes"}""", "isActive")]
    [InlineData("""{"requestedBy":"x"}""", "requestedBy")]
    [InlineData("""{"webhookSecret":"0123456789abcdef"}""", "webhookSecret")]
    public void A_bad_or_unknown_field_is_named(string fields, string field)
    {
        var parsed = NewIntegrationInput.Parse(Utf8(fields));
        Assert.Null(parsed.Value);
        Assert.Equal("Invalid integration", parsed.Message);
        Assert.Contains(field, parsed.Errors!.Keys);
    }

    [Fact]
    public void Required_fields_are_named_and_messages_never_quote_the_secret()
    {
        var parsed = NewIntegrationInput.Parse(Utf8("{}"));
        Assert.Equal(["callbackUrl", "name", "provider", "secret"], parsed.Errors!.Keys.Order(StringComparer.Ordinal));

        var secret = " leaky-secret-value-1234";
        var refused = NewIntegrationInput.Parse(Utf8($$"""{"secret":"{{secret}}"}"""));
        Assert.DoesNotContain(refused.Errors!.Values, message => message.Contains("leaky", StringComparison.Ordinal));
    }

    [Fact]
    public void Limits_are_inclusive()
    {
        string Body(string name, string secret, string url) =>
            $$"""{"provider":"acme","name":"{{name}}","secret":"{{secret}}","callbackUrl":"{{url}}"}""";
        var longestUrl = "https://example.com/" + new string('a', IntegrationFields.MaxCallbackUrlLength - "https://example.com/".Length);
        Assert.NotNull(NewIntegrationInput.Parse(Utf8(Body(new string('n', 200), new string('s', 500), longestUrl))).Value);
        Assert.NotNull(NewIntegrationInput.Parse(Utf8(Body("n", new string('s', 16), "http://e.com"))).Value);

        var tooLong = NewIntegrationInput.Parse(Utf8(Body(new string('n', 201), new string('s', 501), longestUrl + "a")));
        Assert.Equal(["callbackUrl", "name", "secret"], tooLong.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"acme\"")]
    [InlineData("{\"provider\":")]
    [InlineData("not json")]
    public void A_body_that_is_not_a_json_object_is_refused(string body)
    {
        var parsed = NewIntegrationInput.Parse(Utf8(body));
        Assert.Null(parsed.Value);
        Assert.Equal("Request body must be a JSON object", parsed.Message);
        Assert.Contains("body", parsed.Errors!.Keys);
    }

    [Fact]
    public void A_field_name_that_is_not_unicode_text_refuses_the_body_whole()
    {
        var parsed = NewIntegrationInput.Parse(Utf8("""{"provider":"acme","\ud800":1}"""));
        Assert.Equal("Request body must be a JSON object", parsed.Message);
        Assert.Equal(["body"], parsed.Errors!.Keys);
        Assert.Equal("must not have a property name that is not Unicode text", parsed.Errors["body"]);
    }

    [Fact]
    public void A_field_given_twice_is_refused()
    {
        var parsed = NewIntegrationInput.Parse(Utf8($$"""{"provider":"acme","provider":"globex","name":"A","secret":"{{Secret}}","callbackUrl":"http://e.com"}"""));
        Assert.Equal(["provider"], parsed.Errors!.Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"requestedBy":"ops"}""")]
    [InlineData("""{"name":null}""")]
    public void A_patch_must_change_something(string body)
    {
        var parsed = IntegrationPatchInput.Parse(Utf8(body));
        Assert.Null(parsed.Value);
        Assert.Contains("body", parsed.Errors!.Keys);
    }

    [Fact]
    public void A_patch_reads_the_fields_it_is_given_and_refuses_the_others()
    {
        Assert.Equal(new IntegrationPatchInput("New name", null, null, null), IntegrationPatchInput.Parse(Utf8("""{"name":" New name "}""")).Value);
        Assert.Equal(new IntegrationPatchInput(null, "https://e.com/x", false, "ops"),
            IntegrationPatchInput.Parse(Utf8("""{"callbackUrl":"https://e.com/x","isActive":false,"requestedBy":"ops"}""")).Value);

        var refused = IntegrationPatchInput.Parse(Utf8("""{"name":"A","provider":"globex","secret":"0123456789abcdef"}"""));
        Assert.Equal(["provider", "secret"], refused.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"secret":"0123456789abcdef"}""", 86_400)]
    [InlineData("""{"secret":"0123456789abcdef","graceSeconds":0}""", 0)]
    [InlineData("""{"secret":"0123456789abcdef","graceSeconds":604800}""", 604_800)]
    [InlineData("""{"secret":"0123456789abcdef","graceSeconds":null}""", 86_400)]
    public void A_rotation_has_a_day_of_grace_unless_told(string body, int graceSeconds)
    {
        var parsed = SecretRotationInput.Parse(Utf8(body));
        Assert.Equal(new SecretRotationInput(Secret, graceSeconds, null), parsed.Value);
        Assert.DoesNotContain(Secret, parsed.Value!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"secret":"0123456789abcdef","graceSeconds":-1}""", "graceSeconds")]
    [InlineData("""{"secret":"0123456789abcdef","graceSeconds":604801}""", "graceSeconds")]
    [InlineData("""{"secret":"0123456789abcdef","graceSeconds":1.5}""", "graceSeconds")]
    [InlineData("""{"secret":"0123456789abcdef","graceSeconds":"60"}""", "graceSeconds")]
    [InlineData("""{"graceSeconds":60}""", "secret")]
    [InlineData("""{"secret":"0123456789abcdef","previousSecret":"x"}""", "previousSecret")]
    public void A_bad_rotation_names_the_field(string body, string field)
    {
        var parsed = SecretRotationInput.Parse(Utf8(body));
        Assert.Null(parsed.Value);
        Assert.Contains(field, parsed.Errors!.Keys);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData("{}", null)]
    [InlineData("""{"requestedBy":" ops-user "}""", "ops-user")]
    public void Enable_disable_and_delete_take_an_optional_requested_by(string body, string? requestedBy)
    {
        Assert.Equal(new RequestedByInput(requestedBy), RequestedByInput.Parse(Utf8(body)).Value);
    }

    [Fact]
    public void Enable_disable_and_delete_refuse_any_other_field()
    {
        Assert.Contains("isActive", RequestedByInput.Parse(Utf8("""{"isActive":true}""")).Errors!.Keys);
    }
}
