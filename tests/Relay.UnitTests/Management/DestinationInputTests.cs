using System.Text;
using System.Text.Json;
using Relay.Management.Api.Destinations;
using Relay.Management.Api.Requests;

namespace Relay.UnitTests.Management;

public sealed class DestinationInputTests
{
    private static BodyResult<DestinationInput> Create(string body) => DestinationInput.ParseCreate(Encoding.UTF8.GetBytes(body));

    private static BodyResult<DestinationInput> Patch(string body) => DestinationInput.ParsePatch(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Reads_every_field_of_a_create_body()
    {
        var parsed = Create("""
            {"url":"https://hooks.example.com/relay?x=1","description":"  Billing  ","eventTypes":["invoice.paid","invoice.*"],
             "payloadFilter":"$.data.amount > 1000 and $.data.currency in [\"EUR\",\"USD\"]","headers":{"X-Tenant":"42","Authorization":"Bearer abc"},"timeoutSeconds":30,
             "retryPolicy":{"maxAttempts":50,"scheduleMs":[0,86400000],"jitterPercent":100,"maxDelayMs":604800000},
             "rateLimitPerSecond":10000,"paused":true,"requestedBy":" ops "}
            """);

        var input = Assert.IsType<DestinationInput>(parsed.Value);
        Assert.Equal("https://hooks.example.com/relay?x=1", input.Url.Value);
        Assert.Equal("Billing", input.Description.Value);
        Assert.Equal(["invoice.paid", "invoice.*"], input.EventTypes.Value);
        Assert.Equal("$.data.amount > 1000 and $.data.currency in [\"EUR\",\"USD\"]", input.PayloadFilter.Value);
        Assert.Equal("Bearer abc", input.Headers.Value["authorization"]);
        Assert.Equal(30, input.TimeoutSeconds.Value);
        var policy = input.RetryPolicy.Value!;
        Assert.Equal((50, 100, 604_800_000), (policy.MaxAttempts, policy.JitterPercent, policy.MaxDelayMs));
        Assert.Equal([0, 86_400_000], policy.ScheduleMs!);
        Assert.Equal(10_000, input.RateLimitPerSecond.Value);
        Assert.True(input.Paused.Value);
        Assert.Equal("ops", input.RequestedBy);
    }

    [Fact]
    public void A_create_body_needs_only_a_url_and_absent_fields_stay_unset()
    {
        var input = Create("""{"url":"http://127.0.0.1:9/hook"}""").Value!;

        Assert.True(input.Url.IsSet);
        Assert.False(input.Description.IsSet);
        Assert.False(input.EventTypes.IsSet);
        Assert.False(input.Headers.IsSet);
        Assert.False(input.RetryPolicy.IsSet);
        Assert.False(input.Paused.IsSet);
        Assert.Equal("api-user", input.RequestedBy);
        Assert.Equal(["url"], input.GivenFields);
    }

    [Fact]
    public void A_patch_tells_absent_from_null()
    {
        var input = Patch("""{"description":null,"eventTypes":null,"payloadFilter":null,"headers":null,"timeoutSeconds":null,"retryPolicy":null,"rateLimitPerSecond":null}""").Value!;

        Assert.False(input.Url.IsSet);
        Assert.Equal(Optional<string?>.Of(null), input.Description);
        Assert.Empty(input.EventTypes.Value);
        Assert.Equal(Optional<string?>.Of(null), input.PayloadFilter);
        Assert.Empty(input.Headers.Value);
        Assert.Equal(Optional<int?>.Of(null), input.TimeoutSeconds);
        Assert.Equal(Optional<RetryPolicy?>.Of(null), input.RetryPolicy);
        Assert.Equal(Optional<int?>.Of(null), input.RateLimitPerSecond);
        Assert.Equal(["description", "eventTypes", "payloadFilter", "headers", "timeoutSeconds", "retryPolicy", "rateLimitPerSecond"], input.GivenFields);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("{}")]
    public void An_empty_patch_changes_nothing(string body)
    {
        var input = Patch(body).Value!;
        Assert.Empty(input.GivenFields);
    }

    [Fact]
    public void Retry_policy_optional_parts_default()
    {
        var policy = Create("""{"url":"http://127.0.0.1/","retryPolicy":{"maxAttempts":1,"scheduleMs":null,"jitterPercent":null}}""").Value!.RetryPolicy.Value!;
        Assert.Equal(1, policy.MaxAttempts);
        Assert.Null(policy.ScheduleMs);
        Assert.Equal(0, policy.JitterPercent);
        Assert.Null(policy.MaxDelayMs);
    }

    [Fact]
    public void A_blank_description_clears_it()
    {
        Assert.Equal(Optional<string?>.Of(null), Create("""{"url":"http://127.0.0.1/","description":"   "}""").Value!.Description);
    }

    [Fact]
    public void Event_types_are_stored_as_the_filter_normalizes_them()
    {
        var input = Create("""{"url":"http://127.0.0.1/","eventTypes":["invoice.paid","invoice.*","invoice.paid"]}""").Value!;
        Assert.Equal(["invoice.paid", "invoice.*"], input.EventTypes.Value);
    }

    [Theory]
    [InlineData("{}", "url")]
    [InlineData("""{"url":null}""", "url")]
    [InlineData("""{"url":""}""", "url")]
    [InlineData("""{"url":"ftp://host/x"}""", "url")]
    [InlineData("""{"url":"mailto:ops@example.com"}""", "url")]
    [InlineData("""{"url":"/relative"}""", "url")]
    [InlineData("""{"url":"http:///no-host"}""", "url")]
    [InlineData("""{"url":"http://host/with space"}""", "url")]
    [InlineData("""{"url":" http://host/"}""", "url")]
    [InlineData("""{"url":"http://user:pw@host/"}""", "url")]
    [InlineData("""{"url":"http://host/","description":["a"]}""", "description")]
    [InlineData("""{"url":"http://host/","description":"nul \u0000"}""", "description")]
    [InlineData("""{"url":"http://host/","description":"lone \ud800"}""", "description")]
    [InlineData("""{"url":"http://host/","eventTypes":{}}""", "eventTypes")]
    [InlineData("""{"url":"http://host/","eventTypes":[null]}""", "eventTypes")]
    [InlineData("""{"url":"http://host/","eventTypes":["invoice..paid"]}""", "eventTypes")]
    [InlineData("""{"url":"http://host/","eventTypes":["*.paid"]}""", "eventTypes")]
    [InlineData("""{"url":"http://host/","eventTypes":[""]}""", "eventTypes")]
    [InlineData("""{"url":"http://host/","payloadFilter":true}""", "payloadFilter")]
    [InlineData("""{"url":"http://host/","payloadFilter":""}""", "payloadFilter")]
    [InlineData("""{"url":"http://host/","payloadFilter":"   "}""", "payloadFilter")]
    [InlineData("""{"url":"http://host/","payloadFilter":"$.data.amount >"}""", "payloadFilter")]
    [InlineData("""{"url":"http://host/","payloadFilter":"amount > 5"}""", "payloadFilter")]
    [InlineData("""{"url":"http://host/","headers":"X-A: 1"}""", "headers")]
    [InlineData("""{"url":"http://host/","headers":{"Proxy-Connection":"x"}}""", "headers.Proxy-Connection")]
    [InlineData("""{"url":"http://host/","headers":{"X-A":null}}""", "headers.X-A")]
    [InlineData("""{"url":"http://host/","headers":{"X-A":"caf\u00e9"}}""", "headers.X-A")]
    [InlineData("""{"url":"http://host/","headers":{"X-A":"bell\u0007"}}""", "headers.X-A")]
    [InlineData("""{"url":"http://host/","headers":{"":"v"}}""", "headers")]
    [InlineData("""{"url":"http://host/","headers":{"X:A":"v"}}""", "headers")]
    [InlineData("""{"url":"http://host/","timeoutSeconds":-1}""", "timeoutSeconds")]
    [InlineData("""{"url":"http://host/","timeoutSeconds":1e1}""", "timeoutSeconds")]
    [InlineData("""{"url":"http://host/","timeoutSeconds":99999999999}""", "timeoutSeconds")]
    [InlineData("""{"url":"http://host/","retryPolicy":[]}""", "retryPolicy")]
    [InlineData("""{"url":"http://host/","retryPolicy":{"maxAttempts":null}}""", "retryPolicy.maxAttempts")]
    [InlineData("""{"url":"http://host/","retryPolicy":{"maxAttempts":2,"scheduleMs":"1000"}}""", "retryPolicy.scheduleMs")]
    [InlineData("""{"url":"http://host/","retryPolicy":{"maxAttempts":2,"scheduleMs":[1.5]}}""", "retryPolicy.scheduleMs")]
    [InlineData("""{"url":"http://host/","retryPolicy":{"maxAttempts":2,"jitterPercent":-1}}""", "retryPolicy.jitterPercent")]
    [InlineData("""{"url":"http://host/","retryPolicy":{"maxAttempts":2,"maxDelayMs":-1}}""", "retryPolicy.maxDelayMs")]
    [InlineData("""{"url":"http://host/","retryPolicy":{"maxAttempts":2,"maxAttempts":3}}""", "retryPolicy.maxAttempts")]
    [InlineData("""{"url":"http://host/","rateLimitPerSecond":"5"}""", "rateLimitPerSecond")]
    [InlineData("""{"url":"http://host/","paused":0}""", "paused")]
    [InlineData("""{"url":"http://host/","requestedBy":"  a  "}""", "requestedBy")]
    [InlineData("""{"url":"http://host/","requestedBy":5}""", "requestedBy")]
    [InlineData("""{"url":"http://host/","id":"mine"}""", "id")]
    [InlineData("""{"url":"http://host/","isDefault":true}""", "isDefault")]
    public void Field_errors_name_the_field(string body, string field)
    {
        var parsed = Create(body);

        Assert.Null(parsed.Value);
        Assert.Equal("Invalid destination", parsed.Message);
        Assert.Contains(field, parsed.Errors!.Keys);
    }

    [Theory]
    [InlineData("""{"url":"http://host/","\ud800":1}""", "body")]
    [InlineData("""{"url":"http://host/","retryPolicy":{"maxAttempts":1,"\udc00x":1}}""", "retryPolicy")]
    [InlineData("""{"url":"http://host/","headers":{"X-\ud800":"v"}}""", "headers")]
    public void Field_names_that_are_not_unicode_text_are_refused(string body, string field)
    {
        var parsed = Create(body);
        Assert.Null(parsed.Value);
        Assert.Contains(field, parsed.Errors!.Keys);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var parsed = Create("""{"url":"ftp://x","timeoutSeconds":0,"headers":{"Host":"x"},"extra":1}""");
        Assert.Equal(["extra", "headers.Host", "timeoutSeconds", "url"], parsed.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("supported: url, description", parsed.Errors["extra"]);
    }

    [Fact]
    public void Length_limits_are_inclusive()
    {
        var url = "http://h/" + new string('a', DestinationInput.MaxUrlLength - 9);
        var atLimit = JsonSerializer.Serialize(new
        {
            url,
            description = new string('d', 500),
            headers = Enumerable.Range(0, 20).ToDictionary(i => $"X-{i}-" + new string('n', 100 - 3 - i.ToString().Length), _ => new string('v', 1000)),
        });
        Assert.NotNull(Create(atLimit).Value);

        Assert.Contains("url", Create(JsonSerializer.Serialize(new { url = url + "a" })).Errors!.Keys);
    }

    [Fact]
    public void Header_names_are_case_insensitive_and_kept_as_given()
    {
        var input = Create("""{"url":"http://h/","headers":{"X-Tenant":"1"}}""").Value!;
        Assert.Equal(["X-Tenant"], input.Headers.Value.Keys);
        Assert.True(input.Headers.Value.ContainsKey("x-tenant"));
        Assert.Contains("headers.x-tenant", Create("""{"url":"http://h/","headers":{"X-Tenant":"1","x-tenant":"2"}}""").Errors!.Keys);
    }

    [Fact]
    public void Printing_an_input_never_shows_header_values()
    {
        var input = Create("""{"url":"http://h/","headers":{"Authorization":"Bearer very-secret"}}""").Value!;
        Assert.DoesNotContain("very-secret", input.ToString());
        Assert.Contains("headers", input.ToString());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{")]
    [InlineData("null")]
    public void A_body_that_is_not_an_object_is_refused(string body)
    {
        Assert.Equal("Request body must be a JSON object", Create(body).Message);
        Assert.Equal("Request body must be a JSON object", Patch(body).Message);
        // Unlike the integration routes, which also name "body", these answer the message alone.
        Assert.Null(Create(body).Errors);
    }

    [Theory]
    [InlineData("https://hooks.example.com/x")]
    [InlineData("http://127.0.0.1:8080/api/v1/internal/delivery-sink/acme")]
    [InlineData("http://[2001:4860::1]/x")]
    [InlineData("https://bücher.example/hook")]
    public void Check_url_accepts_absolute_http_urls(string url) => Assert.Null(DestinationInput.CheckUrl(url));
}
