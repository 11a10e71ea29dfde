using Relay.Webhooks;

namespace Relay.UnitTests.Webhooks;

/// <summary>Secrets are whsec_ + base64 of their key bytes; parsing accepts what the reference libraries accept.</summary>
public sealed class WebhookSecretTests
{
    [Fact]
    public void Generated_secrets_are_32_random_bytes_written_with_the_whsec_prefix()
    {
        var first = WebhookSecret.Generate().ToString();
        var second = WebhookSecret.Generate().ToString();

        Assert.StartsWith("whsec_", first, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(first["whsec_".Length..]).Length);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void A_secret_survives_being_written_and_read_back()
    {
        var secret = WebhookSecret.Generate();

        var parsed = WebhookSecret.Parse(secret.ToString());

        Assert.Equal(secret.ToString(), parsed.ToString());
        Assert.Equal(Sign(secret), Sign(parsed));
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("  whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n")]
    public void Prefixed_bare_and_padded_forms_are_the_same_key(string value)
    {
        Assert.True(WebhookSecret.TryParse(value, out var secret));
        Assert.Equal(StandardWebhooksVector.Secret, secret.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_abc")]
    [InlineData("whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    public void Values_that_are_not_a_non_empty_base64_key_are_refused(string? value)
    {
        Assert.False(WebhookSecret.TryParse(value, out var secret));
        Assert.Null(secret);
    }

    [Fact]
    public void Parse_failure_does_not_repeat_the_value()
    {
        const string almostASecret = "whsec_TWZLUTlyOGdLWXFyVHdqVVBEOElMUFpJ*";

        var exception = Assert.Throws<FormatException>(() => WebhookSecret.Parse(almostASecret));

        Assert.DoesNotContain("TWZLUTlyOGdLWXFy", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => WebhookSecret.Parse(null!));
    }

    private static string Sign(WebhookSecret secret) => WebhookSigner.Sign(secret, "msg_1", 1_700_000_000, "{}"u8);
}
