using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Relay.Infrastructure.Messaging;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>The outbox publisher for a service that writes outbox rows (needs <c>AddRelayDatabase</c> and <c>AddRelayMessaging</c>).</summary>
    public static IHostApplicationBuilder AddRelayOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection("Relay:Outbox"));
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxPublisher>();
        return builder;
    }
}
