using System.Text;
using System.Text.Json;
using Relay.Infrastructure.Providers;
using Relay.Management.Api.Integrations;

namespace Relay.UnitTests.Management;

/// <summary>How an integration body chooses and changes the way its webhooks are verified and mapped.</summary>
public sealed class InboundProfileInputTests
{
    private const string Secret = "0123456789abcdef";

    private static ReadOnlyMemory<byte> Utf8(string body) => Encoding.UTF8.GetBytes(body);

    private static string Create(string provider, string settings = "", string secret = Secret) =>
        $$"""{"provider":"{{provider}}","name":"N","secret":"{{secret}}","callbackUrl":"https://e.com/h"{{(settings.Length > 0 ? "," + settings : "")}}}""";

    private static string Json(object value) => JsonSerializer.Serialize(value, ProviderProfile.JsonOptions);

    [Theory]
    [InlineData("acme")]
    [InlineData("globex")]
    [InlineData("stripe")]
    [InlineData("github")]
    [InlineData("shopify")]
    public void A_provider_named_like_a_preset_gets_that_preset(string provider)
    {
        var parsed = NewIntegrationInput.Parse(Utf8(Create(provider))).Value!;
        Assert.Null(parsed.Inbound);
        Assert.True(parsed.Profile.SameAs(ProviderPresets.Find(provider)!));
    }

    [Fact]
    public void A_preset_may_be_named_for_any_provider_and_changed_field_by_field()
    {
        var parsed = NewIntegrationInput.Parse(Utf8(Create("shop-eu", """
            "preset":"SHOPIFY","fields":{"subject":{"from":[{"pointer":"/customer/email"},{"header":"X-Shopify-Shop-Domain"}]}}
            """))).Value!;
        Assert.Equal(ProviderPresets.ShopifyProfile.VerificationJson, parsed.Profile.VerificationJson);
        Assert.Equal("""{"from":[{"pointer":"/customer/email"},{"header":"X-Shopify-Shop-Domain"}],"required":false}""", Json(parsed.Profile.Fields.Subject));
        Assert.Equal(Json(ProviderPresets.ShopifyProfile.Fields.EventType), Json(parsed.Profile.Fields.EventType));
        Assert.Null(ProviderPresets.NameOf(parsed.Profile));
    }

    [Fact]
    public void Own_settings_fill_in_each_default_and_start_from_the_default_mapping()
    {
        var parsed = NewIntegrationInput.Parse(Utf8(Create("initech", """
            "verification":{"scheme":"stripe"},"fields":{"occurredAt":{"from":{"pointer":"/ts","format":"unix"},"required":true}}
            """))).Value!;
        Assert.Equal("""{"scheme":"stripe","header":"Stripe-Signature","toleranceSeconds":300}""", parsed.Profile.VerificationJson);
        Assert.Equal("""{"eventId":{"from":[{"pointer":"/id"}],"required":false},"eventType":{"from":[{"pointer":"/type"}],"required":true},"occurredAt":{"from":[{"pointer":"/ts","format":"unix"}],"required":true},"subject":{"from":[],"required":false},"payload":{"pointer":"","as":"data"}}""",
            parsed.Profile.FieldsJson);

        var token = NewIntegrationInput.Parse(Utf8(Create("initech", """
            "verification":{"scheme":"token","header":"Authorization","prefix":"Bearer "},"fields":{"eventId":null,"payload":{"pointer":"/body","as":"body"}}
            """))).Value!;
        Assert.Equal("""{"scheme":"token","header":"Authorization","prefix":"Bearer "}""", token.Profile.VerificationJson);
        Assert.Empty(token.Profile.Fields.EventId.From);
        Assert.Equal(new PayloadRule("/body", "body"), token.Profile.Fields.Payload);
    }

    [Theory]
    [InlineData("initech", "", "provider")]
    [InlineData("Not A Name", "", "provider")]
    [InlineData("x", "", "provider")]
    [InlineData("initech", "\"fields\":{}", "verification")]
    [InlineData("initech", "\"preset\":\"paypal\"", "preset")]
    [InlineData("initech", "\"verification\":{\"scheme\":\"hmac-sha256-hex\",\"header\":\"x\",\"prefix\":\"caf\\u00e9\"}", "verification.prefix")]
    [InlineData("initech", "\"verification\":{\"scheme\":\"token\",\"header\":\"x\",\"toleranceSeconds\":5}", "verification.toleranceSeconds")]
    [InlineData("initech", "\"verification\":{\"scheme\":\"github\",\"header\":\"x\",\"header\":\"y\"}", "verification.header")]
    [InlineData("acme", "\"fields\":{\"eventId\":{\"from\":{}}}", "fields.eventId.from")]
    [InlineData("acme", "\"fields\":{\"eventId\":{\"from\":[{\"pointer\":\"\"}]}}", "fields.eventId.from[0].pointer")]
    [InlineData("acme", "\"fields\":{\"eventId\":{\"from\":[1]}}", "fields.eventId.from[0]")]
    [InlineData("acme", "\"fields\":{\"eventId\":{\"from\":[{\"pointer\":\"/a\"},{\"pointer\":\"/b\"},{\"pointer\":\"/c\"},{\"pointer\":\"/d\"},{\"pointer\":\"/e\"},{\"pointer\":\"/f\"}]}}", "fields.eventId.from")]
    [InlineData("acme", "\"fields\":{\"eventId\":{\"from\":{\"pointer\":\"/a\"},\"required\":\"yes\"}}", "fields.eventId.required")]
    [InlineData("acme", "\"fields\":{\"subject\":{\"required\":true}}", "fields.subject.from")]
    [InlineData("acme", "\"fields\":{\"subject\":\"/x\"}", "fields.subject")]
    [InlineData("acme", "\"fields\":{\"payload\":{\"as\":\"9lives\"}}", "fields.payload.as")]
    [InlineData("acme", "\"fields\":[]", "fields")]
    public void Bad_settings_are_named_by_their_path(string provider, string settings, string field)
    {
        var parsed = NewIntegrationInput.Parse(Utf8(Create(provider, settings)));
        Assert.Null(parsed.Value);
        Assert.Equal("Invalid integration", parsed.Message);
        Assert.Contains(field, parsed.Errors!.Keys);
    }

    [Fact]
    public void Standard_webhooks_needs_a_whsec_secret_and_says_so_without_quoting_it()
    {
        var refused = NewIntegrationInput.Parse(Utf8(Create("std", "\"preset\":\"standard-webhooks\"", "not-a-whsec-secret-0123")));
        Assert.Equal("must be a Standard Webhooks secret for the standard-webhooks scheme: whsec_ followed by base64", refused.Errors!["secret"]);
        Assert.DoesNotContain(refused.Errors.Values, message => message.Contains("not-a-whsec", StringComparison.Ordinal));
        Assert.NotNull(NewIntegrationInput.Parse(Utf8(Create("standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))).Value);
    }

    [Fact]
    public void A_patch_applies_its_settings_on_top_of_the_integrations_own()
    {
        var patch = IntegrationPatchInput.Parse(Utf8("""{"fields":{"subject":null,"eventType":{"from":{"header":"X-Kind"}}}}""")).Value!;
        var applied = patch.Inbound!.ApplyTo(ProviderPresets.AcmeProfile)!;
        Assert.Equal(ProviderPresets.AcmeProfile.VerificationJson, applied.VerificationJson);
        Assert.Empty(applied.Fields.Subject.From);
        Assert.Equal("""{"from":[{"header":"X-Kind"}],"required":true}""", Json(applied.Fields.EventType));
        Assert.Equal(Json(ProviderPresets.AcmeProfile.Fields.EventId), Json(applied.Fields.EventId));

        var preset = IntegrationPatchInput.Parse(Utf8("""{"preset":"globex","verification":{"scheme":"token","header":"x-other-token"}}""")).Value!;
        var replaced = preset.Inbound!.ApplyTo(ProviderPresets.AcmeProfile)!;
        Assert.Equal("""{"scheme":"token","header":"x-other-token","prefix":""}""", replaced.VerificationJson);
        Assert.Equal(ProviderPresets.GlobexProfile.FieldsJson, replaced.FieldsJson);

        Assert.Null(IntegrationPatchInput.Parse(Utf8("""{"fields":{}}""")).Value!.Inbound!.ApplyTo(null));
        Assert.Contains("fields.eventType", IntegrationPatchInput.Parse(Utf8("""{"fields":{"eventType":null}}""")).Errors!.Keys);
    }
}
