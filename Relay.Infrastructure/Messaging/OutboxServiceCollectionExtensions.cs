using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        builder.Services.AddHostedService<OutboxPublisher>();
        return builder;
    }
}
