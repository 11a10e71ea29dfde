using MassTransit;
using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Consumers;
using Relay.Delivery.Worker.Delivery;
using Relay.Delivery.Worker.Persistence;
using Relay.Delivery.Worker.Scheduling;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Redis;
using Relay.Infrastructure.Security;
using Relay.Infrastructure.Security.Outbound;

namespace Relay.Delivery.Worker.Extensions;

public static class DeliveryServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeliveryServices(this WebApplicationBuilder builder)
    {
        builder.AddRelayDatabase();
        builder.AddRelayRedis();
        // Destination signing secrets and custom header values are stored encrypted.
        builder.AddRelaySecretProtection();
        builder.Services.AddOptions<DeliveryOptions>()
            .BindConfiguration(DeliveryOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(DeliveryOptions.IsValid, "Relay:Delivery: MaxAttempts, TimeoutSeconds, Concurrency, SchedulerIntervalMs, SchedulerMaxSleepMs, FanOutBatchSize, RecordBatchSize, SchedulerBatchSize, PendingGraceSeconds, MaxRetryDelaySeconds, MaxInFlightPerDestination, CircuitBreakerFailures, CircuitBreakerOpenSeconds, AutoDisableAfterFailures and DeferMs must be positive, RetryBaseDelayMs and AutoDisableAfterSeconds not negative, and LeaseSeconds at least TimeoutSeconds + 5")
            .ValidateOnStart();

        builder.AddRelayMessaging(consumers =>
        {
            consumers.AddConsumer<EventAcceptedConsumer, EventAcceptedConsumerDefinition>();
            consumers.AddConsumer<EventReplayedConsumer, EventReplayedConsumerDefinition>();
            consumers.AddConsumer<DestinationResumedConsumer, DestinationResumedConsumerDefinition>();
            consumers.AddConsumer<DestinationRecoveryRequestedConsumer, DestinationRecoveryRequestedConsumerDefinition>();
            consumers.AddConsumer<DestinationTestRequestedConsumer, DestinationTestRequestedConsumerDefinition>();
        });
        // SSRF protection for callback URLs (Relay:Outbound); refuses to start with an allow-list in Production.
        builder.AddRelayOutboundProtection();
        builder.Services.AddDeliveryHttpClient();

        builder.Services.AddSingleton<DeliveryTelemetry>();
        builder.Services.AddSingleton<DeliveryRepository>();
        builder.Services.AddSingleton<DestinationFilters>();
        builder.Services.AddSingleton<DestinationGate>();
        builder.Services.AddSingleton<SchedulerWakeup>();
        builder.Services.AddSingleton<DeliveryService>();
        // Registered after the bus, so on shutdown it stops (and drains its deliveries) before the bus does.
        builder.Services.AddHostedService<DeliveryScheduler>();
        return builder;
    }

    /// <summary>
    /// The one place outbound delivery HTTP is configured: pooled connections, no redirects (a callback must not
    /// bounce a delivery elsewhere), no cookies, no proxy, no request logging (callback URLs may carry tokens).
    /// The primary handler is <see cref="SafeOutboundHandler"/>: callbacks to loopback, private or link-local
    /// addresses fail the attempt with <see cref="OutboundRequestBlockedException"/> before anything is sent.
    /// </summary>
    public static IHttpClientBuilder AddDeliveryHttpClient(this IServiceCollection services) =>
        services.AddHttpClient(DeliveryService.HttpClientName, client =>
            {
                // DeliveryService applies Relay:Delivery:TimeoutSeconds itself, so a timeout can be told from a shutdown.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Relay-Delivery/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(serviceProvider => SafeOutboundHandler.Create(
                serviceProvider.GetRequiredService<OutboundUrlGuard>(),
                handler => ConfigureSocketsHandler(handler, serviceProvider.GetRequiredService<IOptions<DeliveryOptions>>().Value)))
            // SocketsHttpHandler recycles its own connections (PooledConnectionLifetime), so the handler can live forever.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            // Callback URLs are customers' addresses, not service names, but ServiceDefaults puts service discovery on
            // every client. It would look each callback host up in the services:* configuration (a callback naming an
            // internal service would go to that service's address) and rewrite some names itself ("_name.host" loses
            // its first label). So this client takes no handler from the defaults: it sends to exactly the URL it was
            // given, the one SafeOutboundHandler checks.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear());

    public static SocketsHttpHandler ConfigureSocketsHandler(SocketsHttpHandler handler, DeliveryOptions options)
    {
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        handler.UseProxy = false;
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2);
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);
        handler.ConnectTimeout = options.Timeout;
        // Bodies are read only for a 2 KB excerpt; decompressing them would be CPU for nothing.
        handler.AutomaticDecompression = System.Net.DecompressionMethods.None;
        // One receiver host gets no more connections than one destination may have deliveries in flight (its gate),
        // so a slow host does not hold sockets for every slot.
        handler.MaxConnectionsPerServer = options.MaxInFlightPerDestination;
        return handler;
    }

    /// <summary>The worker maps no routes of its own; this gives what it does serve the API error envelope.</summary>
    public static WebApplication UseDeliveryMiddleware(this WebApplication app)
    {
        app.UseRelayApiErrors();
        return app;
    }
}
