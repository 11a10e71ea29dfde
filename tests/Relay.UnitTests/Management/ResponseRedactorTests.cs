using Relay.Management.Api.Destinations;

namespace Relay.UnitTests.Management;

public sealed class ResponseRedactorTests
{
    [Theory]
    [InlineData("""{"password":"hunter2"}""", """{"password":"[redacted]"}""")]
    [InlineData("""{"Secret" : "s3"}""", """{"Secret" : "[redacted]"}""")]
    [InlineData("""{"token":"t","ok":true}""", """{"token":"[redacted]","ok":true}""")]
    [InlineData("""{"api_key":"k","apiKey":"k","API-KEY":"k","apikey":"k"}""", """{"api_key":"[redacted]","apiKey":"[redacted]","API-KEY":"[redacted]","apikey":"[redacted]"}""")]
    [InlineData("""{"access_token":"a","refresh_token":"r","client_secret":"c"}""", """{"access_token":"[redacted]","refresh_token":"[redacted]","client_secret":"[redacted]"}""")]
    [InlineData("""{"Authorization":"Bearer abc"}""", """{"Authorization":"[redacted]"}""")]
    [InlineData("""{"session":"s","sessionId":12345,"cookie":null}""", """{"session":"[redacted]","sessionId":"[redacted]","cookie":"[redacted]"}""")]
    [InlineData("""{"token":"with \"escaped\" quotes","next":1}""", """{"token":"[redacted]","next":1}""")]
    [InlineData("""{"data":{"user":{"password":"p"}},"id":"keep"}""", """{"data":{"user":{"password":"[redacted]"}},"id":"keep"}""")]
    [InlineData("""{"tokens":["a","b"]}""", """{"tokens":["a","b"]}""")]
    public void Redacts_credential_values_in_json(string body, string expected) => Assert.Equal(expected, ResponseRedactor.Redact(body));

    [Theory]
    [InlineData("password=hunter2&user=bob", "password=[redacted]&user=bob")]
    [InlineData("https://x/cb?access_token=abc&state=1", "https://x/cb?access_token=[redacted]&state=1")]
    [InlineData("SESSION=abc; Path=/", "SESSION=[redacted]; Path=/")]
    [InlineData("client_secret = 'a b c' done", "client_secret = [redacted] done")]
    [InlineData("error: token=\"abc def\"", "error: token=[redacted]")]
    public void Redacts_key_value_pairs(string body, string expected) => Assert.Equal(expected, ResponseRedactor.Redact(body));

    [Theory]
    [InlineData("invalid credentials Bearer eyJhbGciOi.J9.x-y_z", "invalid credentials Bearer [redacted]")]
    [InlineData("got basic dXNlcjpwYXNz== instead", "got basic [redacted] instead")]
    [InlineData("Authorization: Bearer abc123", "Authorization: Bearer [redacted]")]
    [InlineData("X-Api-Key: abc123\r\nX-Other: keep", "X-Api-Key: [redacted]\r\nX-Other: keep")]
    [InlineData("Set-Cookie: id=abc; HttpOnly", "Set-Cookie: [redacted]")]
    [InlineData("""{"error":"Bearer abc rejected"}""", """{"error":"Bearer [redacted] rejected"}""")]
    [InlineData("authorization=Bearer abc", "authorization=[redacted] [redacted]")]
    public void Redacts_authorization_schemes_and_header_lines(string body, string expected) => Assert.Equal(expected, ResponseRedactor.Redact(body));

    [Theory]
    [InlineData("""{"accepted":true,"id":"evt_1"}""")]
    [InlineData("Internal Server Error")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("")]
    public void Leaves_other_text_alone(string body) => Assert.Equal(body, ResponseRedactor.Redact(body));

    [Fact]
    public void The_excerpt_is_at_most_500_characters_redacted_before_it_is_cut()
    {
        var secret = new string('s', 600);
        var body = new string(' ', 480) + $$"""{"token":"{{secret}}"}""";

        var excerpt = ResponseRedactor.Excerpt(body)!;

        Assert.Equal(500, excerpt.Length);
        Assert.DoesNotContain("sss", excerpt);
        Assert.EndsWith("{\"token\":\"[redacted]", excerpt);
    }

    [Fact]
    public void A_value_cut_off_where_scanning_stops_is_still_redacted()
    {
        var body = new string('x', ResponseRedactor.ScannedLength - 30) + "\"password\":\"" + new string('p', 1000) + "\"}";
        Assert.Contains("\"password\":\"[redacted]\"", ResponseRedactor.Redact(body[..ResponseRedactor.ScannedLength]));
        Assert.Contains("\"password\":\"[redacted]\"", ResponseRedactor.Redact(body[..(ResponseRedactor.ScannedLength - 1)] + "\\"));
    }

    [Fact]
    public void Short_bodies_and_none_pass_through()
    {
        Assert.Null(ResponseRedactor.Excerpt(null));
        Assert.Equal("ok", ResponseRedactor.Excerpt("ok"));
    }

    [Fact]
    public void Never_cuts_a_surrogate_pair_in_half()
    {
        var body = new string('a', 499) + "😀" + "tail";
        Assert.Equal(new string('a', 499), ResponseRedactor.Excerpt(body));
    }

    [Fact]
    public void Hostile_input_is_scanned_in_linear_time()
    {
        var body = string.Concat(Enumerable.Repeat("\"token", 10_000)) + string.Concat(Enumerable.Repeat("password=", 10_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ResponseRedactor.Excerpt(body);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }
}
