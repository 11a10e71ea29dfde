using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using System.Text;
using Relay.Gateway.ApiReference;
using Relay.Gateway.Apis;
using Relay.Gateway.OperatorConsole;
using Relay.Gateway.Forwarding;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Gateway.Middleware;
using Relay.Infrastructure.Redis;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Gateway.Extensions;

public static class GatewayServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder)
    {
        // The gateway answers the public health route itself, so it checks the same dependencies the services use.
        builder.AddRelayDatabase(applyMigrations: false);
        builder.AddRelayRedis();
        builder.AddRelayRabbitMqHealth();
        // The gateway proxies whatever the dependencies' state; it reports them on /api/v1/health but stays ready.
        builder.ExcludeFromReadiness("postgres", "redis", "rabbitmq");

        builder.Services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
        {
            kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.AddServerHeader = false;
            // Every header byte becomes one char, so a value that is not ASCII (valid UTF-8 or not) reaches
            // RejectNonAsciiHeaders and gets a 400 in the envelope naming the header; by default Kestrel decodes
            // UTF-8 and answers invalid bytes with a bare 400.
            kestrel.RequestHeaderEncodingSelector = static _ => Encoding.Latin1;
        });
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayOptions>>((options, gateway) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var proxy in gateway.Value.KnownProxies)
            {
                options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });

        builder.Services.AddRouteConcurrencyLimits();
        builder.Services.AddSingleton<ConsoleAssets>();
        builder.AddGatewayReverseProxy();
        return builder;
    }

    /// <summary>
    /// The routes and clusters of <c>ReverseProxy</c>. A destination is an address (<c>http://127.0.0.1:5101</c>,
    /// Kubernetes' <c>http://ingress-api</c>) or, under the AppHost, a service name that service discovery resolves
    /// from <c>services:{name}:http:*</c>; an address no such key names is used as it is.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayReverseProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, FlushingForwarderHttpClientFactory>();
        // YARP logs every failed forward as a Warning with the full exception, ~4 KB per request a client can cause
        // at will (an abandoned body, a header HttpClient cannot send). The gateway logs each failure itself in one
        // line (GatewayMiddleware.TranslateProxyErrors), at Debug when the client caused it.
        builder.Logging.AddFilter("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.Error);

        // The public OpenAPI document is merged from the upstream services' own documents.
        // Generous: a service builds its document on first request, which takes seconds on a busy machine.
        builder.Services.AddHttpClient(PublicApiDocument.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<PublicApiDocument>();
        return builder;
    }

    public static WebApplication MapGatewayApi(this WebApplication app)
    {
        app.UseRelayApiErrors();
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (options.KnownProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }
        app.Use(GatewayMiddleware.AssignRequestId);
        // First of the refusals, so no other answer (a 405 naming POST) tells that an internal route exists.
        if (app.Environment.IsProduction())
        {
            app.Use(GatewayMiddleware.HideInternalRoutes);
        }
        app.Use(GatewayMiddleware.RejectNonAsciiHeaders);
        app.Use(GatewayMiddleware.RejectUnsupportedMethod);
        app.Use((context, next) => GatewayMiddleware.RejectOversizedBody(context, next, options.MaxRequestBodyBytes));
        // After the refusals, so a request that would be refused anyway never takes one of a route's slots.
        app.UseRateLimiter();

        app.MapHealthChecks("/api/v1/health", new HealthCheckOptions
        {
            Predicate = Microsoft.Extensions.Hosting.Extensions.IsDependencyCheck,
            ResponseWriter = Microsoft.Extensions.Hosting.Extensions.WritePublicHealthResponse,
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 503, [HealthStatus.Unhealthy] = 503 },
        }).WithMetadata(new AllowedMethods(HttpMethods.Get, HttpMethods.Head));
        app.MapApiReferenceApi();
        app.MapConsoleApi();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(GatewayMiddleware.ApplyRouteBodyLimit);
            proxy.Use(GatewayMiddleware.TranslateProxyErrors);
            proxy.Use(GatewayMiddleware.MeasureRequestBody);
        });
        return app;
    }
}
