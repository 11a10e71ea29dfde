using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Http.OpenApi;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Redis;
using Relay.Infrastructure.Security;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.Infrastructure.Seeding;
using Relay.Ingress.Api.Admission;
using Relay.Ingress.Api.Apis;
using Relay.Ingress.Api.Ingestion;
using Relay.Ingress.Api.Providers;
using Relay.Ingress.Api.Publishing;

namespace Relay.Ingress.Api.Extensions;

public static class IngressServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddIngressServices(this WebApplicationBuilder builder)
    {
        builder.AddRelayDatabase();
        builder.AddRelayRedis();
        builder.AddRelayMessaging();
        builder.AddRelayOutbox();
        builder.AddRelaySecretProtection();
        builder.AddRelayDevelopmentSeeding();
        // The publish API takes API keys, and the configured management key when this service is given it.
        builder.AddRelayApiKeys(BootstrapApiKey.FromConfigurationIfSet(builder.Configuration));
        builder.AddRelayPostgresNotifications(ActiveProviders.NotificationChannel);
        // Ingest keeps answering 202 without these: the outbox holds messages while RabbitMQ is away and the
        // rate limiter counts per replica without Redis. Only PostgreSQL decides readiness.
        builder.ExcludeFromReadiness("redis", "rabbitmq", "masstransit-bus");

        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<IngressOptions>()
            .BindConfiguration(IngressOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<PublishOptions>()
            .BindConfiguration(PublishOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<IngestAdmissionOptions>()
            .BindConfiguration(IngestAdmissionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<IngressOptions>>((kestrel, ingress) =>
        {
            // A little headroom over the webhook limit so the endpoint, not Kestrel, answers 413 in the envelope.
            kestrel.Limits.MaxRequestBodySize = ingress.Value.MaxBodyBytes + 1;
            kestrel.AddServerHeader = false;
        });

        // The gateway (YARP) replaces X-Forwarded-For with the address of whoever called it and sets X-Forwarded-Host to
        // the host they called. Those headers are believed only from the gateway's own addresses (TrustedProxies), and
        // only the last hop: from anyone else a forged X-Forwarded-For would choose the stored source IP and dodge
        // the rate limit.
        var trustedProxies = TrustedProxies.FromConfiguration(builder.Configuration, builder.Environment);
        builder.Services.Configure<ForwardedHeadersOptions>(options => TrustedProxies.Apply(options, trustedProxies));

        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ActiveProviders>();
        builder.Services.AddHostedService<ProfileWarmup>();
        builder.Services.AddSingleton<ProviderRateLimiter>();
        builder.Services.AddSingleton<IngestedEventRepository>();
        // One per process, disposed when the host stops: webhooks still queued are written and answered first.
        builder.Services.AddSingleton(services =>
        {
            var repository = services.GetRequiredService<IngestedEventRepository>();
            var outboxSignal = services.GetRequiredService<OutboxSignal>();
            var ingress = services.GetRequiredService<IOptions<IngressOptions>>().Value;
            // Built on the first webhook's request: without this its writer loop would inherit that request's
            // execution context, and every later batch's database spans would land in that first trace.
            using var _ = ExecutionContext.SuppressFlow();
            return new GroupCommit<NewEvent, StoredEvent>(async (batch, cancellationToken) =>
            {
                var stored = await repository.WriteBatchAsync(batch, cancellationToken);
                if (stored.Any(storedEvent => !storedEvent.Duplicate))
                {
                    // One wake-up per committed batch with outbox rows.
                    outboxSignal.Notify();
                }
                return stored;
            }, ingress.GroupCommitMaxBatchSize, ingress.GroupCommitMaxConcurrentBatches);
        });
        builder.Services.AddSingleton<WebhookIngestionService>();
        builder.Services.AddSingleton<PublishTargets>();
        builder.Services.AddSingleton<PublishIdempotencyRepository>();
        builder.Services.AddSingleton<PublishService>();
        builder.Services.AddHostedService<IdempotencyKeySweeper>();
        builder.Services.AddSingleton<IngestAdmission>();
        builder.AddServiceOpenApi("Relay ingest", requiresManagementKey: false);
        return builder;
    }

    public static WebApplication MapIngressApi(this WebApplication app)
    {
        app.UseRelayApiErrors();
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }
        else
        {
            app.Logger.LogWarning("{Key} is empty: X-Forwarded-* headers are ignored and every webhook's source IP is the connecting peer (the gateway, behind one)",
                TrustedProxies.ConfigurationKey);
        }
        app.MapServiceOpenApi();
        app.MapWebhooksApi();
        app.MapPublishApi();
        if (!app.Environment.IsProduction())
        {
            app.MapDeliverySinkApi();
        }
        return app;
    }
}
