using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Redis;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Gateway.Extensions;

public static class GatewayServiceCollectionExtensions
{
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>Route metadata: a body limit below the gateway's own, for upstreams that accept less (Management.Api).</summary>
    private const string RouteBodyLimitKey = "MaxRequestBodyBytes";

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
        app.Use(AssignRequestId);
        app.Use((context, next) => RejectOversizedBody(context, next, options.MaxRequestBodyBytes));
        if (app.Environment.IsProduction())
        {
            // The delivery sink is a development helper: in Production it must not be reachable from outside.
            app.Use((context, next) => context.Request.Path.StartsWithSegments("/api/v1/internal")
                ? ApiError.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Route not found")
                : next(context));
        }

        app.MapHealthChecks("/api/v1/health", new HealthCheckOptions
        {
            Predicate = Microsoft.Extensions.Hosting.Extensions.IsDependencyCheck,
            ResponseWriter = Microsoft.Extensions.Hosting.Extensions.WriteHealthResponse,
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 503, [HealthStatus.Unhealthy] = 503 },
        });
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ApplyRouteBodyLimit);
            proxy.Use(TranslateProxyErrors);
        });
        return app;
    }

    /// <summary>Keeps a sane caller-supplied request id, else makes one; sends it upstream and back to the caller.</summary>
    private static Task AssignRequestId(HttpContext context, Func<Task> next)
    {
        var supplied = context.Request.Headers[RequestIdHeader].ToString();
        var requestId = IsAcceptableRequestId(supplied) ? supplied : Guid.NewGuid().ToString();
        context.Request.Headers[RequestIdHeader] = requestId;
        context.TraceIdentifier = requestId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[RequestIdHeader] = requestId;
            return Task.CompletedTask;
        });
        return next();
    }

    internal static bool IsAcceptableRequestId(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    private static Task RejectOversizedBody(HttpContext context, Func<Task> next, long maxBodyBytes) =>
        context.Request.ContentLength > maxBodyBytes
            ? ApiError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"Request body exceeds {maxBodyBytes} bytes")
            : next();

    /// <summary>
    /// An upstream with a smaller body limit than the gateway's (Management.Api: 64 KiB) closes the connection on a
    /// larger body, often before its 413 reaches the gateway, which would then answer 503. So the gateway enforces a
    /// route's own limit (route metadata <c>MaxRequestBodyBytes</c>) itself: 413 at once for a declared length,
    /// and for a chunked body when it passes the limit while being forwarded (see <see cref="TranslateProxyErrors"/>).
    /// </summary>
    private static Task ApplyRouteBodyLimit(HttpContext context, Func<Task> next)
    {
        var metadata = context.GetReverseProxyFeature().Route.Config.Metadata;
        if (metadata is null || !metadata.TryGetValue(RouteBodyLimitKey, out var configured) || !long.TryParse(configured, out var limit))
        {
            return next();
        }
        if (context.Request.ContentLength > limit)
        {
            return ApiError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"Request body exceeds {limit} bytes");
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = Math.Min(limit, bodySize.MaxRequestBodySize ?? limit);
        }
        return next();
    }

    /// <summary>Kestrel's "body too large", which YARP may report wrapped (an AggregateException with the upstream's failure).</summary>
    private static bool IsBodyTooLarge(Exception? exception) => exception switch
    {
        null => false,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsBodyTooLarge),
        _ => IsBodyTooLarge(exception.InnerException),
    };

    /// <summary>YARP answers proxy failures with bare status codes; give them the envelope.</summary>
    private static async Task TranslateProxyErrors(HttpContext context, Func<Task> next)
    {
        await next();
        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }
        if (IsBodyTooLarge(error.Exception))
        {
            await ApiError.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "Request body is too large");
            return;
        }
        switch (error.Error)
        {
            case ForwarderError.RequestBodyClient or ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled:
                await ApiError.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.Validation, "The request body could not be read");
                break;
            default:
                await ApiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.DependencyUnavailable, "The upstream service is unavailable; try again shortly");
                break;
        }
    }
}
