using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Relay.Infrastructure.Providers;

namespace Relay.UnitTests.Ingress;

public sealed class IdempotencyKeyTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Uses_provider_and_external_id()
    {
        Assert.Equal("acme:evt_1", IdempotencyKey.For("acme", "evt_1", Json("{}")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_id_falls_back_to_the_hash_of_the_key_sorted_payload(string? externalId)
    {
        var key = IdempotencyKey.For("acme", externalId, Json("""{"b":1,"a":{"d":[{"z":1,"y":2}],"c":"é"}}"""));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("""{"a":{"c":"é","d":[{"y":2,"z":1}]},"b":1}""")));
        Assert.Equal($"acme:payload:{expected}", key);
    }

    [Fact]
    public void Key_order_does_not_change_the_hash_but_content_does()
    {
        var first = IdempotencyKey.For("globex", null, Json("""{"x":1,"y":{"a":1,"b":2}}"""));
        var reordered = IdempotencyKey.For("globex", null, Json("""{"y":{"b":2,"a":1},"x":1}"""));
        var changed = IdempotencyKey.For("globex", null, Json("""{"y":{"b":2,"a":1},"x":2}"""));
        Assert.Equal(first, reordered);
        Assert.NotEqual(first, changed);
    }

    [Fact]
    public void Ids_that_start_with_the_content_namespace_can_never_take_a_content_key()
    {
        var payload = Json("""{"a":1}""");
        var contentKey = IdempotencyKey.For("acme", null, payload);
        var hex = contentKey["acme:payload:".Length..];

        // The id "payload:{hex}" once produced exactly the content key of that payload.
        Assert.NotEqual(contentKey, IdempotencyKey.For("acme", $"payload:{hex}", payload));
        Assert.Equal($"acme:payload:payload:{hex}", IdempotencyKey.For("acme", $"payload:{hex}", payload));
        // Moved one level down, these stay distinct from each other and from ids that merely look alike.
        var keys = new[] { "payload:x", "payload:payload:x", "x", "payload", "Payload:x", "payload:", " payload:x" }
            .Select(id => IdempotencyKey.For("acme", id, payload)).Append(contentKey).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("evt_1", "acme:evt_1")]
    [InlineData("payloadx", "acme:payloadx")]
    [InlineData("PAYLOAD:x", "acme:PAYLOAD:x")]
    [InlineData("a:payload:b", "acme:a:payload:b")]
    public void Every_other_id_keeps_the_key_it_always_had(string id, string key)
    {
        // Keys stored before the namespacing still deduplicate new deliveries of the same events.
        Assert.Equal(key, IdempotencyKey.For("acme", id, Json("{}")));
    }

    [Fact]
    public void Canonical_json_keeps_array_order()
    {
        Assert.Equal("[3,1,2]", Encoding.UTF8.GetString(IdempotencyKey.CanonicalJson(Json("[3,1,2]"))));
    }
}
