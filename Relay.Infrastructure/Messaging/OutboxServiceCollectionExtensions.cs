using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Relay.Infrastructure.Data;

namespace Relay.Infrastructure.Messaging;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>The outbox publisher for a service that writes outbox rows (needs <c>AddRelayDatabase</c> and <c>AddRelayMessaging</c>).</summary>
    public static IHostApplicationBuilder AddRelayOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.AddRelayPostgresNotifications(OutboxPublisher.NotificationChannel);
        builder.Services.AddHostedService<OutboxPublisher>();
        return builder;
    }
}
