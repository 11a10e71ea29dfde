using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every Relay service shares as a host: telemetry, health endpoints, service discovery.</summary>
public static class Extensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    // MassTransit publishes its spans and metrics under "MassTransit"; Relay's own are named "Relay.<area>".
    private const string MassTransitTelemetry = "MassTransit";
    private const string RelayTelemetry = "Relay.*";
    private const string YarpTelemetry = "Yarp.ReverseProxy";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        // No standard resilience handler: Relay owns its delivery retries (Delivery.Worker's RetryPolicy), and a
        // hidden retry under them would repeat deliveries.
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());

        builder.Services.AddSingleton(TimeProvider.System);
        // Give in-flight work (deliveries, outbox batches) time to finish on SIGTERM.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>
    /// Logs, metrics and traces. Tracing is on even with no exporter: the activities are what carry the W3C trace
    /// context from the gateway to the destination (HTTP headers, outbox rows, message headers).
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var openTelemetry = builder.Services.AddOpenTelemetry();
        // Aspire and the Kubernetes manifests set OTEL_SERVICE_NAME, which the SDK reads; name a service started
        // without it after its project rather than "unknown_service".
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            openTelemetry.ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName));
        }
        openTelemetry
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(MassTransitTelemetry, RelayTelemetry))
            .WithTracing(tracing =>
            {
                tracing
                    .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsProbe(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddSource(MassTransitTelemetry, YarpTelemetry, RelayTelemetry);
                if (!IsExporting(builder))
                {
                    // Nobody collects the spans: keep the trace context flowing between services (traceparent, the
                    // outbox), but record nothing unless the caller's own trace is sampled. Recording every span for no
                    // exporter cost the ingest path about half its throughput in ./bench.sh.
                    tracing.SetSampler(new ParentBasedSampler(new AlwaysOffSampler()));
                }
            });

        builder.AddOpenTelemetryExporters();
        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Export only where a collector is configured (Aspire and Kubernetes set OTEL_EXPORTER_OTLP_ENDPOINT);
        // UseOtlpExporter reads the endpoint, protocol and headers from the standard OTEL_* settings.
        if (IsExporting(builder))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    private static bool IsExporting(IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>The liveness check behind <c>/alive</c>; the services add their dependency checks tagged "ready".</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Keeps the named dependency checks out of <c>/health</c> (readiness) for a service that keeps serving without
    /// them, so an orchestrator does not take it out of rotation during that dependency's outage.
    /// </summary>
    public static TBuilder ExcludeFromReadiness<TBuilder>(this TBuilder builder, params string[] checkNames) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => checkNames.Contains(r.Name)))
            {
                registration.Tags.Remove("ready");
                registration.Tags.Add("dependency");
            }
        });
        return builder;
    }

    /// <summary>Every dependency check, ready-critical or not: what an operator's status page wants to see.</summary>
    public static bool IsDependencyCheck(HealthCheckRegistration check) => check.Tags.Contains("ready") || check.Tags.Contains("dependency");

    /// <summary><c>/health</c> (readiness: the dependencies this service cannot serve without) and <c>/alive</c> (liveness), in every environment.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealthResponse,
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 503, [HealthStatus.Unhealthy] = 503 },
        }).DisableHttpMetrics();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
            ResponseWriter = WriteHealthResponse,
        }).DisableHttpMetrics();
        return app;
    }

    /// <summary>The seed contract's health body: <c>{success, data: {status: ok|degraded, timestamp, checks: {name: {status: ok|error, detail?}}}}</c>.</summary>
    public static Task WriteHealthResponse(HttpContext context, HealthReport report)
    {
        var timeProvider = context.RequestServices.GetRequiredService<TimeProvider>();
        var checks = report.Entries
            .Where(entry => entry.Key != "self")
            .ToDictionary(
                entry => entry.Key,
                entry => entry.Value.Status == HealthStatus.Healthy
                    ? new HealthCheckBody("ok", null)
                    : new HealthCheckBody("error", entry.Value.Description ?? entry.Value.Exception?.Message ?? entry.Value.Status.ToString()));
        var body = new
        {
            success = true,
            data = new
            {
                status = report.Status == HealthStatus.Healthy ? "ok" : "degraded",
                timestamp = timeProvider.GetUtcNow(),
                checks,
            },
        };
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }

    // Orchestrator probes every few seconds would bury the traces worth reading.
    private static bool IsProbe(PathString path) => path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath);

    private sealed record HealthCheckBody(string Status, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail);
}
