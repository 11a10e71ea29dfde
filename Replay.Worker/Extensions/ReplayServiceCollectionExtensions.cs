using MassTransit;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Redis;
using Relay.Infrastructure.Replays;
using Relay.Replay.Worker.Bulk;
using Relay.Replay.Worker.Consumers;
using Relay.Replay.Worker.Dispatch;
using Relay.Replay.Worker.Persistence;
using Relay.Replay.Worker.Sweeping;

namespace Relay.Replay.Worker.Extensions;

public static class ReplayServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddReplayServices(this WebApplicationBuilder builder)
    {
        builder.AddRelayDatabase();
        builder.AddRelayRedis();
        builder.AddRelayMessaging(consumers =>
        {
            consumers.AddConsumer<ReplayRequestedConsumer, ReplayRequestedConsumerDefinition>();
            consumers.AddConsumer<BulkReplayRequestedConsumer, BulkReplayRequestedConsumerDefinition>();
        });
        builder.AddRelayOutbox();

        builder.Services.AddSingleton<ReplayRepository>();
        builder.Services.AddSingleton<ReplayDispatchService>();
        builder.Services.AddOptions<ReplaySweepOptions>()
            .BindConfiguration(ReplaySweepOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<StaleReplaySweeper>();

        builder.Services.AddOptions<BulkReplayOptions>()
            .BindConfiguration(BulkReplayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<BulkReplayRepository>();
        builder.Services.AddSingleton<BulkReplayWakeup>();
        builder.Services.AddHostedService<BulkReplayRunner>();
        return builder;
    }

    /// <summary>The worker maps no routes of its own; this gives what it does serve the API error envelope.</summary>
    public static WebApplication UseReplayMiddleware(this WebApplication app)
    {
        app.UseRelayApiErrors();
        return app;
    }
}
