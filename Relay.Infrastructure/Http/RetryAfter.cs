using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Relay.Infrastructure.Http;

/// <summary>The <c>Retry-After</c> header in whole seconds (RFC 9110's delay-seconds), rounded up and never 0.</summary>
public static class RetryAfter
{
    public static int Seconds(TimeSpan delay) => Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds));

    public static void SetRetryAfter(this HttpResponse response, TimeSpan delay) =>
        response.Headers.RetryAfter = Seconds(delay).ToString(CultureInfo.InvariantCulture);
}
