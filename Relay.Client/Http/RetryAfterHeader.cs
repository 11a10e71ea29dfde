using System.Net.Http.Headers;

namespace Relay.Client.Http;

/// <summary><c>Retry-After</c> (RFC 9110): delay-seconds or an HTTP date, read as the time left to wait.</summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Read(HttpResponseHeaders headers, DateTimeOffset now) => Read(headers.RetryAfter, now);

    public static TimeSpan? Read(RetryConditionHeaderValue? value, DateTimeOffset now) => value switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        // A date in the past means "now"; a negative wait means nothing.
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The header's text read the same way; null when it is neither form.</summary>
    public static TimeSpan? Parse(string? text, DateTimeOffset now) =>
        RetryConditionHeaderValue.TryParse(text?.Trim(), out var value) ? Read(value, now) : null;
}
