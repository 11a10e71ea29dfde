using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Relay.Infrastructure.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>The connection settings and the broker health check, for services that talk to RabbitMQ.</summary>
    public static RabbitMqConnection AddRelayRabbitMqHealth(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("rabbitmq")
            ?? throw new InvalidOperationException("ConnectionStrings:rabbitmq is not configured (amqp://user:pass@host:port/vhost).");
        var settings = RabbitMqConnection.Parse(connectionString);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<RabbitMqHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>("rabbitmq", tags: ["ready"]);
        return settings;
    }

    /// <summary>
    /// MassTransit over RabbitMQ: durable queues, persistent messages and publisher confirms (MassTransit's
    /// defaults, kept explicit), usage telemetry off, and the consumers the service adds.
    /// </summary>
    public static IHostApplicationBuilder AddRelayMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configureConsumers = null, Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        var settings = builder.AddRelayRabbitMqHealth();
        builder.Services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.SetKebabCaseEndpointNameFormatter();
            configureConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(settings.Host, (ushort)settings.Port, settings.VirtualHost, host =>
                {
                    host.Username(settings.Username);
                    host.Password(settings.Password);
                    host.PublisherConfirmation = true;
                    host.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
                    if (settings.UseSsl)
                    {
                        host.UseSsl(ssl => ssl.ServerName = settings.Host);
                    }
                });
                rabbit.Durable = true;
                rabbit.AutoDelete = false;
                configureBus?.Invoke(context, rabbit);
                rabbit.ConfigureEndpoints(context);
            });
        });
        // Don't let a broker outage at startup stop the service: it stays up, reports unhealthy and reconnects.
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = false;
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }
}
