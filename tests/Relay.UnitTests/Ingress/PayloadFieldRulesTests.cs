using System.Text.Json;
using Relay.Ingress.Api.Providers;

namespace Relay.UnitTests.Ingress;

/// <summary>What acme and globex refuse in an authentic webhook because Relay could not store it as a column.</summary>
public sealed class PayloadFieldRulesTests
{
    private readonly PresetProvider acme = PresetProvider.Acme;
    private readonly PresetProvider globex = PresetProvider.Globex;

    private static string Acme(string eventId = "\"e\"", string eventType = "\"t\"", string occurredAt = "\"2026-01-01T00:00:00Z\"", string? subject = null, string data = "{}") =>
        $$"""{"eventId":{{eventId}},"eventType":{{eventType}},"occurredAt":{{occurredAt}},{{(subject is null ? "" : $"\"subject\":{subject},")}}"data":{{data}}}""";

    private NormalizationResult NormalizeAcme(string json)
    {
        using var document = JsonDocument.Parse(json);
        return acme.Normalize(document.RootElement);
    }

    private static string Quoted(string text) => JsonSerializer.Serialize(text);

    [Theory]
    [InlineData("eventId", 255)]
    [InlineData("eventType", 200)]
    [InlineData("subject", 500)]
    public void Text_fields_are_capped_by_characters_with_the_limit_named(string field, int limit)
    {
        string Body(string value) => field switch
        {
            "eventId" => Acme(eventId: Quoted(value)),
            "eventType" => Acme(eventType: Quoted(value)),
            _ => Acme(subject: Quoted(value)),
        };
        Assert.NotNull(NormalizeAcme(Body(new string('x', limit))).Event);
        // Characters, not UTF-16 units: the limit in emoji (two units each) is accepted too.
        Assert.NotNull(NormalizeAcme(Body(string.Concat(Enumerable.Repeat("😀", limit)))).Event);
        var refused = NormalizeAcme(Body(new string('x', limit + 1)));
        Assert.Null(refused.Event);
        Assert.Equal($"must be at most {limit} characters", refused.Errors![field]);
    }

    [Fact]
    public void Data_id_that_becomes_the_subject_is_capped_too()
    {
        var refused = NormalizeAcme(Acme(data: $$"""{"id":{{Quoted(new string('d', 501))}}}"""));
        Assert.Equal("must be at most 500 characters (it becomes the event's subject)", refused.Errors!["data.id"]);
        // A subject of its own wins, so a long data.id is then just data.
        Assert.NotNull(NormalizeAcme(Acme(subject: "\"s\"", data: $$"""{"id":{{Quoted(new string('d', 501))}}}""")).Event);

        using var document = JsonDocument.Parse($$$"""{"id":"g","type":"t","timestamp":"2026-01-01T00:00:00Z","resource":{"id":{{{Quoted(new string('r', 501))}}}}}""");
        Assert.Equal("must be at most 500 characters (it becomes the event's subject)", globex.Normalize(document.RootElement).Errors!["resource.id"]);
    }

    [Theory]
    [InlineData("\"a\\u0000b\"", "must not contain \\u0000")]
    [InlineData("\"\\ud800\"", "must be Unicode text: it holds an unpaired surrogate escape (\\ud800-\\udfff)")]
    [InlineData("\"x\\udc00\"", "must be Unicode text: it holds an unpaired surrogate escape (\\ud800-\\udfff)")]
    public void Text_postgresql_cannot_hold_is_refused_by_name(string value, string problem)
    {
        Assert.Equal(problem, NormalizeAcme(Acme(eventId: value)).Errors!["eventId"]);
        Assert.Equal(problem, NormalizeAcme(Acme(eventType: value)).Errors!["eventType"]);
        Assert.Equal(problem, NormalizeAcme(Acme(subject: value)).Errors!["subject"]);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00.0000009Z")]
    [InlineData("9999-12-31T23:59:59.9999991Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:00:00-01:00")]
    [InlineData("-infinity")]
    [InlineData("infinity")]
    [InlineData("\\u0000")]
    public void Dates_npgsql_would_store_as_infinity_or_cannot_hold_are_refused_with_the_range(string occurredAt)
    {
        var refused = NormalizeAcme(Acme(occurredAt: $"\"{occurredAt}\""));
        Assert.Equal("must be a date (ISO-8601) from 0001-01-01T00:00:00.000001Z to 9999-12-31T23:59:59.999999Z", refused.Errors!["occurredAt"]);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00.000001Z", 1, 1, 1, 10)]
    [InlineData("0001-01-02T00:00:00+01:00", 1, 1, 1, 23 * TimeSpan.TicksPerHour)]
    [InlineData("9999-12-31T23:59:59.999999Z", 9999, 12, 31, TimeSpan.TicksPerDay - 10)]
    public void Dates_inside_the_range_are_kept_in_utc(string occurredAt, int year, int month, int day, long ticksIntoDay)
    {
        var normalized = NormalizeAcme(Acme(occurredAt: $"\"{occurredAt}\"")).Event!;
        Assert.Equal(new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero).AddTicks(ticksIntoDay), normalized.OccurredAt);
    }

    [Fact]
    public void The_body_object_is_copied_into_the_normalized_payload_as_written()
    {
        // Escapes, number forms and whitespace inside data are the provider's (jsonb normalizes them later, the
        // raw body keeps them): nothing is unescaped on the way, so nothing fails there either.
        var data = "{ \"n\" : 1e2, \"s\":\"\\u00e9\\ud800\", \"z\":\"\\u0000\" }";
        var normalized = NormalizeAcme(Acme(data: data)).Event!;
        Assert.Equal($$"""{"provider":"acme","eventType":"t","externalEventId":"e","data":{{data}}}""", normalized.NormalizedPayload.GetRawText());
    }
}
