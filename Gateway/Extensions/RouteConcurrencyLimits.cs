using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Http;

namespace Relay.Gateway.Extensions;

/// <summary>
/// A cap on the requests each proxied route has in flight upstream, so that above capacity the gateway answers
/// 503 <c>OVERLOADED</c> with <c>Retry-After</c> at once instead of holding an ever longer queue (and its memory)
/// while the upstream catches up. No queue here: Ingress has its own short one, and an answer from it (202, or
/// its own 503 with Retry-After) passes through unchanged. A route opts in with <c>RateLimiterPolicy</c> in the
/// <c>ReverseProxy</c> configuration; the gateway's own health route and the development sink have none.
/// </summary>
public static class RouteConcurrencyLimits
{
    public const string WebhooksPolicy = "webhooks";
    public const string ManagementPolicy = "management";
    public const string EventStreamsPolicy = "event-streams";

    public static IServiceCollection AddRouteConcurrencyLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((limiter, gateway) =>
        {
            var options = gateway.Value;
            limiter.AddConcurrencyLimiter(WebhooksPolicy, limit => InFlightOnly(limit, options.MaxConcurrentWebhooks));
            limiter.AddConcurrencyLimiter(ManagementPolicy, limit => InFlightOnly(limit, options.MaxConcurrentManagementRequests));
            limiter.AddConcurrencyLimiter(EventStreamsPolicy, limit => InFlightOnly(limit, options.MaxConcurrentEventStreams));
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = TimeSpan.FromSeconds(1);
                context.HttpContext.Response.SetRetryAfter(retryAfter);
                return new ValueTask(ApiError.Overloaded("Relay is at capacity and did not take this request; send it again after Retry-After", retryAfter)
                    .ExecuteAsync(context.HttpContext));
            };
        });
        return services;
    }

    private static void InFlightOnly(ConcurrencyLimiterOptions limit, int permits)
    {
        limit.PermitLimit = permits;
        limit.QueueLimit = 0;
    }
}
