using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Redis;

namespace Relay.Replay.Worker.Extensions;

public static class ReplayServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddReplayServices(this WebApplicationBuilder builder)
    {
        builder.AddRelayDatabase();
        builder.AddRelayRedis();
        builder.AddRelayMessaging();
        return builder;
    }

    public static WebApplication MapReplayApi(this WebApplication app)
    {
        app.UseRelayApiErrors();
        return app;
    }
}
