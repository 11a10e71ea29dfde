using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Infrastructure.Replays;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Replays;

namespace Relay.UnitTests.Replays;

public sealed class BulkReplayInputTests
{
    private const int MaxRate = 1000;

    private static Relay.Management.Api.Requests.BodyResult<BulkReplayInput> Parse(string body) =>
        BulkReplayInput.Parse(Encoding.UTF8.GetBytes(body), MaxRate);

    [Fact]
    public void Reads_every_filter_the_rate_and_who_asked_why()
    {
        var parsed = Parse("""
            {"filter":{"provider":"ACME","integrationId":"6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f","status":"failed","eventType":"invoice.paid",
                       "subject":"cust_%","from":"2026-11-01","to":"2026-11-20T10:15:00+01:00","receivedFrom":"2026-11-02T00:00:00Z","receivedTo":"2026-11-03"},
             "eventsPerSecond":250,"requestedBy":" ops-user ","reason":" downstream outage "}
            """);

        var input = Assert.IsType<BulkReplayInput>(parsed.Value);
        Assert.Equal(new BulkReplayFilter(
            "acme", Guid.Parse("6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"), "failed", "invoice.paid", "cust_%",
            new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 20, 9, 15, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.Zero)), input.Filter);
        Assert.Equal((false, 250, "ops-user", "downstream outage"), (input.DryRun, input.EventsPerSecond, input.RequestedBy, input.Reason));
    }

    [Fact]
    public void An_empty_filter_is_every_event_and_the_defaults_apply()
    {
        var input = Assert.IsType<BulkReplayInput>(Parse("""{"filter":{},"reason":"replay them all"}""").Value);
        Assert.Equal(new BulkReplayFilter(), input.Filter);
        Assert.Equal((false, (int?)null, "api-user"), (input.DryRun, input.EventsPerSecond, input.RequestedBy));
    }

    [Fact]
    public void A_dry_run_needs_no_reason_and_a_real_one_does()
    {
        Assert.True(Parse("""{"dryRun":true,"filter":{"status":"failed"}}""").Value is { DryRun: true, Reason: null });
        Assert.Equal("is required", Parse("""{"dryRun":false,"filter":{"status":"failed"}}""").Errors!["reason"]);
        Assert.Equal("must be 5-500 characters", Parse("""{"dryRun":true,"filter":{},"reason":"four"}""").Errors!["reason"]);
    }

    [Theory]
    [InlineData("provider", "ACME!")]
    [InlineData("provider", "a")]
    [InlineData("status", "done")]
    [InlineData("status", "Failed")]
    [InlineData("eventType", "x")]
    [InlineData("subject", "x")]
    [InlineData("from", "yesterday")]
    [InlineData("from", "2026-13-01")]
    [InlineData("to", "20261101")]
    [InlineData("sortBy", "status")]
    [InlineData("page", "2")]
    public void Each_filter_is_validated_exactly_as_the_event_list_validates_it(string name, string value)
    {
        // Over-long text is the list's error too; "x" stands for it below.
        var text = value == "x" ? new string('x', QueryReader.MaxTextLength + 1) : value;
        var listed = EventListQuery.Parse(new QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { [name] = text }));
        var bulk = Parse(JsonSerializer.Serialize(new { filter = new Dictionary<string, string> { [name] = text }, reason = "replay them all" }));

        Assert.Null(bulk.Value);
        if (name is "sortBy" or "page")
        {
            // The list's sorting and paging mean nothing to a replay: refused as unknown, naming what is supported.
            Assert.StartsWith("is not a supported parameter; supported: provider, integrationId, status, eventType, subject, from, to, receivedFrom, receivedTo", bulk.Errors![$"filter.{name}"]);
            return;
        }
        Assert.Equal(listed.Errors[name], bulk.Errors![$"filter.{name}"]);
    }

    [Theory]
    [InlineData("""{"reason":"replay them all"}""", "filter")]
    [InlineData("""{"filter":null,"reason":"replay them all"}""", "filter")]
    [InlineData("""{"filter":[],"reason":"replay them all"}""", "filter")]
    [InlineData("""{"filter":{"from":"2026-12-01","to":"2026-11-01"},"reason":"replay them all"}""", "filter.from")]
    [InlineData("""{"filter":{"receivedFrom":"2026-12-01","receivedTo":"2026-11-01"},"reason":"replay them all"}""", "filter.receivedFrom")]
    [InlineData("""{"filter":{"integrationId":"6c8f1d2e3b4a4c5d8e9f0a1b2c3d4e5f"},"reason":"replay them all"}""", "filter.integrationId")]
    [InlineData("""{"filter":{"eventType":42},"reason":"replay them all"}""", "filter.eventType")]
    [InlineData("""{"filter":{"status":["failed"]},"reason":"replay them all"}""", "filter.status")]
    [InlineData("""{"filter":{"eventType":"a","eventType":"b"},"reason":"replay them all"}""", "filter.eventType")]
    [InlineData("""{"filter":{"subject":"lone \ud800"},"reason":"replay them all"}""", "filter.subject")]
    [InlineData("""{"filter":{"subject":"nul \u0000"},"reason":"replay them all"}""", "filter.subject")]
    [InlineData("""{"filter":{"bogus":"1"},"reason":"replay them all"}""", "filter.bogus")]
    [InlineData("""{"filter":{},"reason":"replay them all","eventsPerSecond":0}""", "eventsPerSecond")]
    [InlineData("""{"filter":{},"reason":"replay them all","eventsPerSecond":1001}""", "eventsPerSecond")]
    [InlineData("""{"filter":{},"reason":"replay them all","eventsPerSecond":"5"}""", "eventsPerSecond")]
    [InlineData("""{"filter":{},"reason":"replay them all","eventsPerSecond":2.5}""", "eventsPerSecond")]
    [InlineData("""{"filter":{},"dryRun":1}""", "dryRun")]
    [InlineData("""{"filter":{},"reason":"replay them all","requestedBy":"x"}""", "requestedBy")]
    [InlineData("""{"filter":{},"reason":"replay them all","confirm":true}""", "confirm")]
    public void Bad_bodies_name_the_field(string body, string field)
    {
        var parsed = Parse(body);
        Assert.Null(parsed.Value);
        Assert.Equal("Invalid bulk replay request", parsed.Message);
        Assert.Contains(field, parsed.Errors!.Keys);
    }

    [Fact]
    public void A_value_of_the_wrong_kind_says_so_and_an_unknown_name_says_what_is_supported()
    {
        var errors = Parse("""{"filter":{"status":5,"colour":5},"reason":"replay them all"}""").Errors!;
        Assert.Equal("must be a string", errors["filter.status"]);
        Assert.StartsWith("is not a supported parameter", errors["filter.colour"]);
    }

    [Fact]
    public void The_rate_ceiling_is_the_configured_maximum()
    {
        Assert.Equal(MaxRate, Parse("""{"filter":{},"reason":"replay them all","eventsPerSecond":1000}""").Value!.EventsPerSecond);
        Assert.Equal("must be an integer between 1 and 1000", Parse("""{"filter":{},"reason":"replay them all","eventsPerSecond":1001}""").Errors!["eventsPerSecond"]);
    }

    [Theory]
    [InlineData("\"text\"")]
    [InlineData("[]")]
    [InlineData("not json")]
    public void A_body_that_is_not_an_object_is_refused_whole(string body)
    {
        Assert.Equal("Request body must be a JSON object", Parse(body).Message);
    }

    [Fact]
    public void An_empty_body_is_an_empty_object_and_says_what_is_required()
    {
        Assert.Equal(["filter", "reason"], Parse("").Errors!.Keys.Order(StringComparer.Ordinal));
    }
}
