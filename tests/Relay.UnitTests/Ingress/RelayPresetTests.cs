using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Infrastructure.Providers;
using Relay.Ingress.Api.Verification;

namespace Relay.UnitTests.Ingress;

/// <summary>The relay preset: the publish API's body, sent as a webhook signed with the integration's secret, stored as a published event is.</summary>
public sealed class RelayPresetTests
{
    private const string Secret = "relay-inbound-secret";
    private readonly PresetProvider relay = new(ProviderPresets.Relay, ProviderPresets.RelayProfile);

    [Fact]
    public void A_publish_body_signed_in_x_relay_signature_is_verified_and_normalized()
    {
        var body = Encoding.UTF8.GetBytes("""{"eventId":"ord_42_created","eventType":"order.created","occurredAt":"2026-11-30T10:00:00Z","subject":"ord_42","payload":{"id":"ord_42"}}""");
        var headers = new HeaderDictionary { ["x-relay-signature"] = BodyHmacVerifier.Sign(body, Secret) };

        Assert.Null(relay.Verify(headers, body, Secret));
        using var document = JsonDocument.Parse(body);
        var normalized = relay.Normalize(document.RootElement, headers).Event!;
        Assert.Equal("ord_42_created", normalized.ExternalEventId);
        Assert.Equal("order.created", normalized.EventType);
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T10:00:00Z"), normalized.OccurredAt);
        Assert.Equal("ord_42", normalized.Subject);
        Assert.Equal("ord_42", normalized.NormalizedPayload.GetProperty("data").GetProperty("id").GetString());
    }

    [Fact]
    public void A_tampered_body_or_a_missing_event_type_is_refused()
    {
        var body = Encoding.UTF8.GetBytes("""{"eventType":"order.created","payload":{}}""");
        var signature = BodyHmacVerifier.Sign(body, Secret);
        var tampered = Encoding.UTF8.GetBytes("""{"eventType":"order.deleted","payload":{}}""");

        Assert.NotNull(relay.Verify(new HeaderDictionary { ["x-relay-signature"] = signature }, tampered, Secret));
        Assert.NotNull(relay.Verify(new HeaderDictionary(), body, Secret));
        using var document = JsonDocument.Parse("""{"payload":{}}""");
        Assert.Contains("eventType", relay.Normalize(document.RootElement).Errors!.Keys);
    }
}
