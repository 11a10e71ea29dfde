using System.Net;
using Relay.Client;
using Relay.IntegrationTests.Hardening;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Client;

/// <summary>
/// The Retry-After hint as the client reads it from a real answer: the management key throttle (5 failures per
/// 6-second window here) answers 429 with Retry-After to an address that kept sending wrong keys.
/// </summary>
public sealed class RelayClientRetryAfterTests(ManagementThrottleCluster cluster) : IClassFixture<ManagementThrottleCluster>
{
    [Fact]
    public async Task A_throttled_address_gets_the_typed_rate_limit_error_with_the_retry_after_hint()
    {
        using var wrong = new RelayClient(cluster.ClientFrom("127.0.0.9"), new RelayClientOptions("not-the-management-key-at-all"));
        using var right = new RelayClient(cluster.ClientFrom("127.0.0.9"), new RelayClientOptions(RelayCluster.ManagementApiKey));

        for (var attempt = 1; attempt <= ManagementThrottleCluster.MaxFailures; attempt++)
        {
            var refused = await Assert.ThrowsAsync<RelayUnauthorizedException>(() => wrong.Events.ListAsync());
            Assert.Null(refused.RetryAfter);
        }
        var throttled = await Assert.ThrowsAsync<RelayRateLimitedException>(() => right.Integrations.ListAsync());

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("RATE_LIMITED", throttled.Code);
        Assert.False(string.IsNullOrEmpty(throttled.RequestId));
        Assert.True(throttled.RetryAfter is { } delay && delay > TimeSpan.Zero && delay <= TimeSpan.FromSeconds(ManagementThrottleCluster.WindowSeconds),
            $"Retry-After {throttled.RetryAfter}");
        Assert.Equal((int)throttled.RetryAfter!.Value.TotalSeconds, throttled.Details!.Value.GetProperty("retryAfterSeconds").GetInt32());

        // Waiting what it said is enough.
        await Task.Delay(throttled.RetryAfter.Value + TimeSpan.FromMilliseconds(500));
        Assert.NotNull(await right.Integrations.ListAsync());
    }
}
