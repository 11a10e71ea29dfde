using System.Net;
using Relay.Client;
using Relay.Client.Http;

namespace Relay.UnitTests.Client;

public sealed class RelayErrorsTests
{
    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "VALIDATION_ERROR", typeof(RelayValidationException))]
    [InlineData(HttpStatusCode.Unauthorized, "UNAUTHORIZED", typeof(RelayUnauthorizedException))]
    [InlineData(HttpStatusCode.Forbidden, "FORBIDDEN", typeof(RelayForbiddenException))]
    [InlineData(HttpStatusCode.NotFound, "NOT_FOUND", typeof(RelayNotFoundException))]
    [InlineData(HttpStatusCode.Conflict, "CONFLICT", typeof(RelayConflictException))]
    [InlineData(HttpStatusCode.UnprocessableEntity, "IDEMPOTENCY_KEY_REUSED", typeof(RelayConflictException))]
    [InlineData(HttpStatusCode.TooManyRequests, "RATE_LIMITED", typeof(RelayRateLimitedException))]
    [InlineData(HttpStatusCode.ServiceUnavailable, "OVERLOADED", typeof(RelayServiceUnavailableException))]
    [InlineData(HttpStatusCode.ServiceUnavailable, "DEPENDENCY_UNAVAILABLE", typeof(RelayServiceUnavailableException))]
    [InlineData(HttpStatusCode.InternalServerError, "INTERNAL_SERVER_ERROR", typeof(RelayApiException))]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", typeof(RelayApiException))]
    public void The_envelope_code_chooses_the_exception(HttpStatusCode status, string code, Type expected)
    {
        var error = RelayErrors.FromAnswer(status, $$$"""{"success":false,"error":{"code":"{{{code}}}","message":"Nope"}}""", "req-1", null);

        Assert.Equal(expected, error.GetType());
        Assert.Equal(code, error.Code);
        Assert.Equal("Nope", error.Message);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("req-1", error.RequestId);
        Assert.Null(error.Details);
    }

    [Fact]
    public void A_validation_error_carries_its_field_errors_and_details()
    {
        var error = RelayErrors.FromAnswer(HttpStatusCode.BadRequest,
            """{"success":false,"error":{"code":"VALIDATION_ERROR","message":"Invalid query","details":{"limit":"must be 1-100","cursor":"is not a cursor of this list"}}}""",
            "req-2", null);

        var validation = Assert.IsType<RelayValidationException>(error);
        Assert.Equal("must be 1-100", validation.Errors["limit"]);
        Assert.Equal("is not a cursor of this list", validation.Errors["cursor"]);
        Assert.Equal("must be 1-100", validation.Details!.Value.GetProperty("limit").GetString());
    }

    [Fact]
    public void A_proxy_page_is_still_an_api_exception_with_its_status_and_no_code()
    {
        var error = RelayErrors.FromAnswer(HttpStatusCode.BadGateway, "<html><body><h1>502 Bad Gateway</h1></body></html>", null, TimeSpan.FromSeconds(3));

        Assert.IsType<RelayServiceUnavailableException>(error);
        Assert.Null(error.Code);
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Contains("502", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "", typeof(RelayNotFoundException))]
    [InlineData(HttpStatusCode.Unauthorized, "{}", typeof(RelayUnauthorizedException))]
    [InlineData(HttpStatusCode.TooManyRequests, "slow down", typeof(RelayRateLimitedException))]
    [InlineData(HttpStatusCode.InternalServerError, "{\"error\":\"text\"}", typeof(RelayApiException))]
    public void Without_an_envelope_the_status_chooses(HttpStatusCode status, string body, Type expected)
    {
        var error = RelayErrors.FromAnswer(status, body, null, null);

        Assert.Equal(expected, error.GetType());
        Assert.Null(error.Code);
    }

    [Fact]
    public async Task A_failed_call_throws_the_typed_error_with_the_request_id_and_retry_after()
    {
        var handler = new ScriptedHandler(_ =>
        {
            var response = ScriptedHandler.Json("""{"success":false,"error":{"code":"RATE_LIMITED","message":"Too many","details":{"limitPerMinute":60}}}""",
                HttpStatusCode.TooManyRequests, "req-3");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return response;
        });
        using var relay = new RelayClient(handler.Client(), new RelayClientOptions("rly_key"));

        var error = await Assert.ThrowsAsync<RelayRateLimitedException>(() => relay.Events.GetAsync(Guid.NewGuid()));

        Assert.Equal("req-3", error.RequestId);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Equal(60, error.Details!.Value.GetProperty("limitPerMinute").GetInt32());
        Assert.Equal("Bearer rly_key", handler.Requests[0].Headers.Authorization!.ToString());
    }
}
