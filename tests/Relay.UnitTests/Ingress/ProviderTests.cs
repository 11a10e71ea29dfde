using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Ingress.Api.Providers;
using Relay.Ingress.Api.Verification;

namespace Relay.UnitTests.Ingress;

/// <summary>The acme preset: what the seed's acme provider did, case for case.</summary>
public sealed class AcmeProviderTests
{
    private const string Secret = "acme-demo-secret";
    private const string SignatureHeader = "x-acme-signature";
    private readonly PresetProvider acme = PresetProvider.Acme;

    private static HeaderDictionary Headers(string? signature) =>
        signature is null ? new HeaderDictionary() : new HeaderDictionary { [SignatureHeader] = signature };

    private static string Sign(ReadOnlySpan<byte> body, string secret) => BodyHmacVerifier.Sign(body, secret);

    [Fact]
    public void Signature_over_the_raw_bytes_is_accepted()
    {
        var body = Encoding.UTF8.GetBytes("""{"eventId":"e1", "eventType":"x"}""");
        Assert.Null(acme.Verify(Headers(Sign(body, Secret)), body, Secret));
    }

    [Theory]
    [InlineData("""{"eventId":"e1","eventType":"x","occurredAt":"2026-11-20T10:15:00Z","data":{"id":"x_1","\udc00":1}}""")]
    [InlineData("""{"eventId":"e1","eventType":"x","occurredAt":"2026-11-20T10:15:00Z","data":{"id":"x_1"},"\udc00":1}""")]
    public void A_property_name_System_Text_Json_cannot_compare_is_a_validation_error_not_an_exception(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = acme.Normalize(document.RootElement);
        Assert.Null(result.Event);
        Assert.NotEmpty(result.Errors!);
    }

    [Fact]
    public void Known_vector_matches_openssl()
    {
        // printf '%s' '{"a":1}' | openssl dgst -sha256 -hmac acme-demo-secret
        Assert.Equal("a729efed54cb5fea602d46cf4c21bc4e8f5adb3fefdc67a7a568d71b84f4e27d", Sign("{\"a\":1}"u8, Secret));
        Assert.Null(acme.Verify(Headers("a729efed54cb5fea602d46cf4c21bc4e8f5adb3fefdc67a7a568d71b84f4e27d"), "{\"a\":1}"u8, Secret));
    }

    [Fact]
    public void Whitespace_changes_break_the_signature_because_it_covers_raw_bytes()
    {
        var signed = Encoding.UTF8.GetBytes("""{"eventId":"e1"}""");
        var reformatted = Encoding.UTF8.GetBytes("""{ "eventId": "e1" }""");
        Assert.Equal("Invalid acme webhook signature", acme.Verify(Headers(Sign(signed, Secret)), reformatted, Secret));
    }

    [Theory]
    [InlineData(null, "Missing x-acme-signature header")]
    [InlineData("", "Missing x-acme-signature header")]
    [InlineData("   ", "Missing x-acme-signature header")]
    [InlineData("zz", "Invalid acme webhook signature")]
    [InlineData("sha256=abc", "Invalid acme webhook signature")]
    public void Missing_or_malformed_signatures_are_rejected(string? signature, string expected)
    {
        Assert.Equal(expected, acme.Verify(Headers(signature), "{}"u8, Secret));
    }

    [Fact]
    public void Uppercase_hex_is_not_the_contract_format()
    {
        var body = "{}"u8.ToArray();
        Assert.NotNull(acme.Verify(Headers(Sign(body, Secret).ToUpperInvariant()), body, Secret));
    }

    [Fact]
    public void Wrong_secret_is_rejected()
    {
        var body = "{}"u8.ToArray();
        Assert.NotNull(acme.Verify(Headers(Sign(body, "another-secret")), body, Secret));
    }

    [Fact]
    public void Normalizes_a_complete_payload()
    {
        using var document = JsonDocument.Parse("""{"eventId":"evt_1","eventType":"invoice.paid","occurredAt":"2026-11-20T12:15:00+02:00","subject":"cust_1","data":{"id":"inv_1","amount":5}}""");
        var result = acme.Normalize(document.RootElement);

        var normalized = Assert.IsType<NormalizedWebhook>(result.Event);
        Assert.Equal("evt_1", normalized.ExternalEventId);
        Assert.Equal("invoice.paid", normalized.EventType);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 15, 0, TimeSpan.Zero), normalized.OccurredAt);
        Assert.Equal(TimeSpan.Zero, normalized.OccurredAt!.Value.Offset);
        Assert.Equal("cust_1", normalized.Subject);
        Assert.Equal("""{"provider":"acme","eventType":"invoice.paid","externalEventId":"evt_1","data":{"id":"inv_1","amount":5}}""", normalized.NormalizedPayload.GetRawText());
    }

    [Fact]
    public void Subject_falls_back_to_data_id_then_null()
    {
        using var withDataId = JsonDocument.Parse("""{"eventId":"e","eventType":"t","occurredAt":"2026-01-01","subject":42,"data":{"id":"d_1"}}""");
        Assert.Equal("d_1", acme.Normalize(withDataId.RootElement).Event!.Subject);
        using var without = JsonDocument.Parse("""{"eventId":"e","eventType":"t","occurredAt":"2026-01-01","data":{"id":7}}""");
        Assert.Null(acme.Normalize(without.RootElement).Event!.Subject);
    }

    [Theory]
    [InlineData("""{"eventType":"t","occurredAt":"2026-01-01","data":{}}""", "eventId")]
    [InlineData("""{"eventId":"","eventType":"t","occurredAt":"2026-01-01","data":{}}""", "eventId")]
    [InlineData("""{"eventId":"e","eventType":5,"occurredAt":"2026-01-01","data":{}}""", "eventType")]
    [InlineData("""{"eventId":"e","eventType":"t","occurredAt":"not a date","data":{}}""", "occurredAt")]
    [InlineData("""{"eventId":"e","eventType":"t","data":{}}""", "occurredAt")]
    [InlineData("""{"eventId":"e","eventType":"t","occurredAt":"2026-01-01","data":[]}""", "data")]
    [InlineData("""{"eventId":"e","eventType":"t","occurredAt":"2026-01-01","data":null}""", "data")]
    public void Invalid_payloads_name_the_failing_field(string json, string field)
    {
        using var document = JsonDocument.Parse(json);
        var result = acme.Normalize(document.RootElement);
        Assert.Null(result.Event);
        Assert.Contains(field, result.Errors!.Keys);
    }
}

/// <summary>The globex preset: what the seed's globex provider did, case for case.</summary>
public sealed class GlobexProviderTests
{
    private readonly PresetProvider globex = PresetProvider.Globex;

    [Theory]
    [InlineData("globex-demo-secret", true)]
    [InlineData("globex-demo-secreT", false)]
    [InlineData("globex-demo-secret ", false)]
    [InlineData("", false)]
    public void Token_must_equal_the_secret_exactly(string token, bool valid)
    {
        var headers = new HeaderDictionary { ["x-globex-token"] = token };
        Assert.Equal(valid, globex.Verify(headers, "{}"u8, "globex-demo-secret") is null);
    }

    [Fact]
    public void Missing_token_is_rejected()
    {
        Assert.Equal("Invalid globex token", globex.Verify(new HeaderDictionary(), "{}"u8, "globex-demo-secret"));
    }

    [Fact]
    public void Normalizes_a_complete_payload()
    {
        using var document = JsonDocument.Parse("""{"id":"g_1","type":"order.created","timestamp":"2026-11-20T10:00:00Z","resource":{"id":"ord_1","total":3}}""");
        var normalized = globex.Normalize(document.RootElement).Event!;
        Assert.Equal("g_1", normalized.ExternalEventId);
        Assert.Equal("order.created", normalized.EventType);
        Assert.Equal("ord_1", normalized.Subject);
        Assert.Equal("""{"provider":"globex","eventType":"order.created","externalEventId":"g_1","resource":{"id":"ord_1","total":3}}""", normalized.NormalizedPayload.GetRawText());
    }

    [Fact]
    public void Resource_must_be_an_object()
    {
        using var document = JsonDocument.Parse("""{"id":"g_1","type":"t","timestamp":"2026-11-20T10:00:00Z","resource":"ord_1"}""");
        Assert.Contains("resource", globex.Normalize(document.RootElement).Errors!.Keys);
    }
}
