using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Redis;

namespace Relay.Delivery.Worker.Extensions;

public static class DeliveryServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeliveryServices(this WebApplicationBuilder builder)
    {
        builder.AddRelayDatabase();
        builder.AddRelayRedis();
        builder.AddRelayMessaging();
        return builder;
    }

    public static WebApplication MapDeliveryApi(this WebApplication app)
    {
        app.UseRelayApiErrors();
        return app;
    }
}
