using Relay.Infrastructure.Data;
using Relay.Infrastructure.Messaging;

namespace Relay.Management.Api.Streaming;

public static class EventStreamServiceCollectionExtensions
{
    /// <summary>The live tail: its options, the per-caller stream slots and the notification wake shared by all streams.</summary>
    public static IHostApplicationBuilder AddEventStreaming(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventStreamOptions>()
            .BindConfiguration(EventStreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The outbox's channel: the same LISTEN connection serves both.
        builder.AddRelayPostgresNotifications(OutboxPublisher.NotificationChannel);
        builder.Services.AddSingleton<EventStreamSlots>();
        builder.Services.AddSingleton<EventStreamWake>();
        return builder;
    }
}
