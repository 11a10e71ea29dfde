using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Infrastructure.Providers;
using Relay.Ingress.Api.Providers;

namespace Relay.UnitTests.Ingress;

/// <summary>Field mapping: JSON pointers and headers as sources, fallbacks, date formats, and what each failure is called.</summary>
public sealed class WebhookNormalizerTests
{
    private static NormalizationResult Normalize(ProviderProfile profile, string json, HeaderDictionary? headers = null)
    {
        using var document = JsonDocument.Parse(json);
        return new PresetProvider("prov", profile).Normalize(document.RootElement, headers);
    }

    private static ProviderProfile With(FieldMapping fields) => new(new VerificationSettings(VerificationSchemes.Token, "x-token", ""), fields);

    [Fact]
    public void Stripe_reads_the_event_id_type_unix_created_time_and_its_objects_id()
    {
        var normalized = Normalize(ProviderPresets.StripeProfile,
            """{"id":"evt_1","object":"event","type":"invoice.paid","created":1763634900,"data":{"object":{"id":"in_1"}}}""").Event!;
        Assert.Equal("evt_1", normalized.ExternalEventId);
        Assert.Equal("invoice.paid", normalized.EventType);
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T10:35:00Z"), normalized.OccurredAt);
        Assert.Equal("in_1", normalized.Subject);
        Assert.Equal("""{"provider":"prov","eventType":"invoice.paid","externalEventId":"evt_1","data":{"id":"evt_1","object":"event","type":"invoice.paid","created":1763634900,"data":{"object":{"id":"in_1"}}}}""",
            normalized.NormalizedPayload.GetRawText());
    }

    [Fact]
    public void GitHub_reads_its_headers_and_leaves_the_time_to_the_receiver()
    {
        var headers = new HeaderDictionary { ["X-GitHub-Event"] = "push", ["x-github-delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958" };
        var normalized = Normalize(ProviderPresets.GitHubProfile, """{"ref":"refs/heads/main","repository":{"full_name":"octo/hello"}}""", headers).Event!;
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", normalized.ExternalEventId);
        Assert.Equal("push", normalized.EventType);
        Assert.Null(normalized.OccurredAt);
        Assert.Equal("octo/hello", normalized.Subject);

        var untyped = Normalize(ProviderPresets.GitHubProfile, "{}", new HeaderDictionary { ["X-GitHub-Event"] = "" });
        Assert.Equal("must be a non-empty string", untyped.Errors!["headers.x-github-event"]);
    }

    [Theory]
    [InlineData("2023-03-29T18:00:27.877041743Z", "2023-03-29T18:00:27.8770417+00:00")]
    [InlineData("2023-03-29T20:00:27+02:00", "2023-03-29T18:00:27+00:00")]
    public void Shopify_reads_its_headers_with_the_triggered_at_time(string triggeredAt, string expected)
    {
        var headers = new HeaderDictionary
        {
            ["X-Shopify-Topic"] = "orders/create", ["X-Shopify-Webhook-Id"] = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", ["X-Shopify-Triggered-At"] = triggeredAt,
        };
        var normalized = Normalize(ProviderPresets.ShopifyProfile, """{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}""", headers).Event!;
        Assert.Equal("orders/create", normalized.EventType);
        Assert.Equal("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", normalized.ExternalEventId);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), normalized.OccurredAt);
        Assert.Equal("gid://shopify/Order/820982911946154508", normalized.Subject);

        var badTime = Normalize(ProviderPresets.ShopifyProfile, "{}", new HeaderDictionary { ["X-Shopify-Topic"] = "t", ["X-Shopify-Triggered-At"] = "yesterday" });
        Assert.StartsWith("must be a date (ISO-8601)", badTime.Errors!["headers.x-shopify-triggered-at"]);
    }

    [Fact]
    public void Standard_webhooks_falls_back_from_the_payload_timestamp_to_the_signed_header()
    {
        var headers = new HeaderDictionary { ["webhook-id"] = "msg_1", ["webhook-timestamp"] = "1763634900" };
        var withTimestamp = Normalize(ProviderPresets.StandardWebhooksProfile, """{"type":"user.created","timestamp":"2026-01-02T03:04:05Z","data":{"id":"u"}}""", headers).Event!;
        Assert.Equal(DateTimeOffset.Parse("2026-01-02T03:04:05Z"), withTimestamp.OccurredAt);
        Assert.Equal("msg_1", withTimestamp.ExternalEventId);
        Assert.Equal("""{"provider":"prov","eventType":"user.created","externalEventId":"msg_1","data":{"id":"u"}}""", withTimestamp.NormalizedPayload.GetRawText());

        var withoutTimestamp = Normalize(ProviderPresets.StandardWebhooksProfile, """{"type":"user.created","timestamp":7,"data":{}}""", headers).Event!;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763634900), withoutTimestamp.OccurredAt);

        var noData = Normalize(ProviderPresets.StandardWebhooksProfile, """{"type":"user.created","data":[1]}""", headers);
        Assert.Equal("must be an object", noData.Errors!["data"]);
    }

    [Fact]
    public void Without_an_id_the_payload_carries_null_and_the_event_is_deduplicated_by_content()
    {
        var normalized = Normalize(With(FieldMapping.Default), """{"type":"t","x":1}""").Event!;
        Assert.Null(normalized.ExternalEventId);
        Assert.Equal("""{"provider":"prov","eventType":"t","externalEventId":null,"data":{"type":"t","x":1}}""", normalized.NormalizedPayload.GetRawText());
        Assert.StartsWith("prov:payload:", Relay.Infrastructure.Providers.IdempotencyKey.For("prov", normalized.ExternalEventId, normalized.NormalizedPayload));
        // An id of another JSON type is no id; an optional id's empty string is kept, and hashes like a missing one.
        Assert.Null(Normalize(With(FieldMapping.Default), """{"type":"t","id":42}""").Event!.ExternalEventId);
        Assert.Equal("", Normalize(With(FieldMapping.Default), """{"type":"t","id":""}""").Event!.ExternalEventId);
    }

    [Fact]
    public void Pointers_step_through_arrays_and_escaped_names()
    {
        var fields = FieldMapping.Default with
        {
            EventId = FieldRule.RequiredFrom(FieldSource.AtPointer("/a~1b/0/m~0n")),
            Subject = FieldRule.OptionalFrom(FieldSource.AtPointer("/list/01"), FieldSource.AtPointer("/list/5"), FieldSource.AtPointer("/list/1")),
        };
        var normalized = Normalize(With(fields), """{"type":"t","a/b":[{"m~n":"deep"}],"list":["zero","one"]}""").Event!;
        Assert.Equal("deep", normalized.ExternalEventId);
        Assert.Equal("one", normalized.Subject);
        Assert.Equal("must be a non-empty string", Normalize(With(fields), """{"type":"t","a/b":{"0":{"m~n":""}}}""").Errors!["a/b.0.m~n"]);
    }

    [Fact]
    public void Unix_times_must_be_whole_seconds_in_range()
    {
        var fields = FieldMapping.Default with { OccurredAt = FieldRule.RequiredFrom(FieldSource.AtPointer("/at", DateFormats.UnixSeconds)) };
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0), Normalize(With(fields), """{"type":"t","at":0}""").Event!.OccurredAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763634900), Normalize(With(fields), """{"type":"t","at":"1763634900"}""").Event!.OccurredAt);
        foreach (var at in new[] { "1.5", "\"soon\"", "1e30", "253402300800", "-62135596800" })
        {
            var refused = Normalize(With(fields), $$"""{"type":"t","at":{{at}}}""");
            Assert.Equal("must be a date in Unix seconds (a whole number) from -62135596799 to 253402300799", refused.Errors!["at"]);
        }
        Assert.Equal("must be a date in Unix seconds (a whole number) from -62135596799 to 253402300799", Normalize(With(fields), """{"type":"t"}""").Errors!["at"]);
    }

    [Fact]
    public void An_optional_value_refused_where_the_body_calls_it_otherwise_says_what_it_was_for()
    {
        var fields = FieldMapping.Default with { EventId = FieldRule.OptionalFrom(FieldSource.AtPointer("/meta/id")) };
        var refused = Normalize(With(fields), $$$"""{"type":"t","meta":{"id":"{{{new string('i', 256)}}}"}}""");
        Assert.Equal("must be at most 255 characters (it becomes the event's id)", refused.Errors!["meta.id"]);
        var typeTooLong = Normalize(With(FieldMapping.Default), $$"""{"type":"{{new string('t', 201)}}"}""");
        Assert.Equal("must be at most 200 characters", typeTooLong.Errors!["type"]);
    }

    [Fact]
    public void A_mapping_ingest_cannot_use_is_named_rather_than_thrown()
    {
        Assert.Null(WebhookNormalizer.Create("p", FieldMapping.Default with { EventType = FieldRule.None }, out var noType));
        Assert.Equal("eventType: must be required and have a source", noType);
        Assert.Null(WebhookNormalizer.Create("p", FieldMapping.Default with { EventId = FieldRule.OptionalFrom(FieldSource.AtPointer("id")) }, out var badPointer));
        Assert.Equal("eventId: a source must be a JSON pointer or a header name", badPointer);
        Assert.Null(WebhookNormalizer.Create("p", FieldMapping.Default with { Subject = FieldRule.OptionalFrom(FieldSource.AtPointer("/s", DateFormats.UnixSeconds)) }, out var dateFormat));
        Assert.Equal("subject: unknown date format", dateFormat);
    }
}
