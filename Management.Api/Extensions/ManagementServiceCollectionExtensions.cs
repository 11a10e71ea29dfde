using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Redis;

namespace Relay.Management.Api.Extensions;

public static class ManagementServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddManagementServices(this WebApplicationBuilder builder)
    {
        builder.AddRelayDatabase();
        builder.AddRelayRedis();
        builder.AddRelayMessaging();
        return builder;
    }

    public static WebApplication MapManagementApi(this WebApplication app)
    {
        app.UseRelayApiErrors();
        return app;
    }
}
