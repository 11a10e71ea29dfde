using System.Text.Json;
using Relay.Ingress.Api.Publishing;

namespace Relay.UnitTests.Ingress;

public sealed class PublishRequestTests
{
    private static (PublishRequest? Request, IReadOnlyDictionary<string, string> Errors) Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var (request, errors) = PublishRequest.Parse(document.RootElement);
        // Clone what outlives the document.
        return (request is null ? null : request with { Payload = request.Payload.Clone() }, errors);
    }

    [Fact]
    public void The_smallest_event_is_a_type_and_a_payload()
    {
        var (request, errors) = Parse("""{"eventType":"order.created","payload":{"id":"ord_1","total":5}}""");

        Assert.Empty(errors);
        Assert.NotNull(request);
        Assert.Equal("order.created", request.EventType);
        Assert.Equal("ord_1", request.Subject);
        Assert.Null(request.EventId);
        Assert.Null(request.OccurredAt);
        Assert.Null(request.IntegrationId);
        Assert.Null(request.Provider);
        Assert.Equal(5, request.Payload.GetProperty("total").GetInt32());
    }

    [Fact]
    public void Every_optional_field_is_read_and_null_counts_as_not_given()
    {
        var (request, _) = Parse("""
            {"eventType":"order.created","payload":{"id":7},"eventId":"evt_1","occurredAt":"2026-11-20T10:15:00+01:00",
             "subject":"customer_9","provider":"Acme","integrationId":null}
            """);

        Assert.NotNull(request);
        Assert.Equal("evt_1", request.EventId);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 15, 0, TimeSpan.Zero), request.OccurredAt);
        Assert.Equal("customer_9", request.Subject);
        Assert.Equal("acme", request.Provider);
        Assert.Null(request.IntegrationId);
    }

    [Theory]
    [InlineData("""{"payload":{}}""", "eventType")]
    [InlineData("""{"eventType":"a","payload":"text"}""", "payload")]
    [InlineData("""{"eventType":"a","payload":{},"eventId":""}""", "eventId")]
    [InlineData("""{"eventType":"a","payload":{},"subject":5}""", "subject")]
    [InlineData("""{"eventType":"a","payload":{},"integrationId":"6C8F1D2E3B4A4C5D8E9F0A1B2C3D4E5F"}""", "integrationId")]
    [InlineData("""{"eventType":"a","payload":{},"provider":"x"}""", "provider")]
    [InlineData("""{"eventType":"a","payload":{},"channel":"x"}""", "channel")]
    [InlineData("""{"eventType":"a","payload":{},"payload":{}}""", "payload")]
    [InlineData("""{"eventType":"a","payload":{"id":"\u0000"}}""", "payload.id")]
    public void A_bad_field_is_named(string json, string field)
    {
        var (request, errors) = Parse(json);

        Assert.Null(request);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void An_event_type_longer_than_ingest_allows_is_refused()
    {
        var (request, errors) = Parse("{\"eventType\":\"" + new string('t', 201) + "\",\"payload\":{}}");

        Assert.Null(request);
        Assert.Equal("must be at most 200 characters", errors["eventType"]);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("8e03978e-40d5-43e8-bc93-6894a57f9324", true)]
    [InlineData("order 42 / retry", true)]
    [InlineData("", false)]
    [InlineData("tab\there", false)]
    [InlineData("é", false)]
    public void An_idempotency_key_is_printable_ascii(string key, bool valid)
    {
        Assert.Equal(valid, PublishService.IsValidIdempotencyKey(key));
        Assert.True(PublishService.IsValidIdempotencyKey(new string('k', 255)));
        Assert.False(PublishService.IsValidIdempotencyKey(new string('k', 256)));
    }
}
