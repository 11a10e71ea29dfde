using MassTransit;
using Relay.Contracts;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Http.OpenApi;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Redis;
using Relay.Infrastructure.Replays;
using Relay.Infrastructure.Security;
using Relay.Infrastructure.Security.Outbound;
using Relay.Management.Api.ApiKeys;
using Relay.Management.Api.Destinations;
using Relay.Management.Api.Apis;
using Relay.Management.Api.Data;
using Relay.Management.Api.Integrations;
using Relay.Management.Api.Replays;
using Relay.Management.Api.Security;
using Relay.Management.Api.Streaming;

namespace Relay.Management.Api.Extensions;

public static class ManagementServiceCollectionExtensions
{
    /// <summary>Management requests carry at most a small JSON body (a replay request, an integration, a destination).</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static IHostApplicationBuilder AddManagementServices(this WebApplicationBuilder builder)
    {
        // First, so a missing or weak key stops the service before it touches anything else. Also the API keys it bootstraps.
        builder.AddManagementKeyCheck();

        builder.AddRelayDatabase();
        // Integration secrets, destination signing secrets and custom header values are stored encrypted.
        builder.AddRelaySecretProtection();
        // Callback and destination URLs are checked against the SSRF rules (Relay:Outbound) Delivery.Worker sends with,
        // so a URL is refused when it is stored rather than at every delivery; an allow-list stops Production at startup.
        builder.AddRelayOutboundProtection();
        // Counts failed management key attempts (shared by the replicas); /health reports it like every service.
        builder.AddRelayRedis();
        // Publishes ReplayRequested, BulkReplayRequested, DestinationResumed and DestinationRecoveryRequested through the outbox, and asks
        // Delivery.Worker for test sends (request and response); this service has no consumers.
        builder.AddRelayMessaging(bus => bus.AddRequestClient<DestinationTestRequested>(RequestTimeout.After(s: (int)DestinationOperationsApi.TestSendTimeout.TotalSeconds)));
        builder.AddRelayOutbox();
        // The live tail, woken by the same PostgreSQL notifications as the outbox publisher.
        builder.AddEventStreaming();
        // Replay requests wait in the outbox while the broker is away, so only PostgreSQL decides readiness.
        builder.ExcludeFromReadiness("redis", "rabbitmq", "masstransit-bus");

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });

        // Stored payloads may nest as deep as ingest allows; the envelope adds a few levels on top.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.MaxDepth = JsonColumn.MaxDepth);

        builder.Services.AddSingleton<EventQueryRepository>();
        builder.Services.AddSingleton<DeliveryAttemptRepository>();
        builder.Services.AddSingleton<AuditEntryRepository>();
        builder.Services.AddSingleton<StatsRepository>();
        builder.Services.AddSingleton<ReplayRequestRepository>();
        builder.Services.AddSingleton<ReplayService>();
        builder.Services.AddOptions<BulkReplayOptions>()
            .BindConfiguration(BulkReplayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<BulkReplayRepository>();
        builder.Services.AddSingleton<BulkReplayService>();
        builder.Services.AddSingleton<IntegrationService>();
        builder.Services.AddSingleton<CallbackUrlCheck>();
        builder.Services.AddSingleton<DestinationRepository>();
        builder.Services.AddSingleton<DestinationService>();
        builder.Services.AddSingleton<RecoveryRepository>();
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddHostedService<DefaultDestinationBackfill>();
        builder.AddServiceOpenApi("Relay management", requiresManagementKey: true);
        return builder;
    }

    public static WebApplication MapManagementApi(this WebApplication app)
    {
        app.UseRelayApiErrors();
        app.UseMiddleware<ManagementApiKeyMiddleware>();
        app.MapServiceOpenApi();
        app.MapIntegrationsApi();
        app.MapEventsApi();
        app.MapEventStreamApi();
        app.MapDeliveriesApi();
        app.MapAuditEntriesApi();
        app.MapStatsApi();
        app.MapReplaysApi();
        app.MapBulkReplaysApi();
        app.MapDestinationsApi();
        app.MapDestinationOperationsApi();
        app.MapApiKeysApi();
        app.MapMeApi();
        return app;
    }
}
