using Relay.Gateway.Extensions;
using Relay.Infrastructure.Http;
using Relay.Ingress.Api.Admission;

namespace Relay.UnitTests.Gateway;

public sealed class RouteConcurrencyLimitsTests
{
    [Fact]
    public void By_default_the_gateway_forwards_more_webhooks_than_one_Ingress_admits_so_Ingress_decides()
    {
        var ingress = new IngestAdmissionOptions();
        Assert.True(new GatewayOptions().MaxConcurrentWebhooks > ingress.MaxConcurrentIngests + ingress.IngestQueueLimit);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.2, 1)]
    [InlineData(1, 1)]
    [InlineData(1.01, 2)]
    [InlineData(59.5, 60)]
    public void Retry_After_is_whole_seconds_rounded_up_and_never_0(double seconds, int expected) =>
        Assert.Equal(expected, RetryAfter.Seconds(TimeSpan.FromSeconds(seconds)));
}
