using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Relay.Ingress.Api.Ingestion;

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
    public void Canonical_json_keeps_array_order()
    {
        Assert.Equal("[3,1,2]", Encoding.UTF8.GetString(IdempotencyKey.CanonicalJson(Json("[3,1,2]"))));
    }
}
