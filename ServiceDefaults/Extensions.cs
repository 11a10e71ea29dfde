using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
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
        builder.ConfigureMinimumDataRates();
        // Give in-flight work (deliveries, outbox batches) time to finish on SIGTERM.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>
    /// One minimum data rate for request bodies and responses in every service (<c>Relay:Http:MinDataRateBytesPerSecond</c>,
    /// default 240, after <c>Relay:Http:MinDataRateGracePeriodSeconds</c>, default 5; Kestrel's own defaults, stated so
    /// they can be changed in one place): a client slower than that is cut off with 408 by whichever hop it talks to,
    /// and the gateway forwards bodies at the client's own pace, so the same client passes or fails the same way
    /// through the gateway and straight at a service. The gateway's YARP <c>ActivityTimeout</c> (30 s) must stay well
    /// above the grace period, so the data rate, not the activity timeout, decides about a slow client.
    /// </summary>
    public static TBuilder ConfigureMinimumDataRates<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var bytesPerSecond = builder.Configuration.GetValue(MinDataRateBytesPerSecondKey, 240.0);
        var graceSeconds = builder.Configuration.GetValue(MinDataRateGracePeriodSecondsKey, 5.0);
        // Kestrel checks rates once a second, so a shorter grace period could cut a client before it sent anything.
        if (bytesPerSecond <= 0 || graceSeconds < 2)
        {
            throw new InvalidOperationException($"{MinDataRateBytesPerSecondKey} must be positive and {MinDataRateGracePeriodSecondsKey} at least 2.");
        }
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            var rate = new MinDataRate(bytesPerSecond, TimeSpan.FromSeconds(graceSeconds));
            kestrel.Limits.MinRequestBodyDataRate = rate;
            kestrel.Limits.MinResponseDataRate = rate;
        });
        return builder;
    }

    public const string MinDataRateBytesPerSecondKey = "Relay:Http:MinDataRateBytesPerSecond";
    public const string MinDataRateGracePeriodSecondsKey = "Relay:Http:MinDataRateGracePeriodSeconds";

    /// <summary>
    /// Logs, metrics and traces to the collector named by <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (Aspire and the Kubernetes
    /// manifests set it). Without one, only tracing stays on: its activities are what carry the W3C trace context from
    /// the gateway to the destination (HTTP headers, outbox rows, message headers), and nothing is recorded unless the
    /// caller's own trace is sampled. Metrics and log export with nobody to read them are left out: listening to every
    /// request's measurements for no exporter cost the hot path measurably in ./bench.sh.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var exporting = IsExporting(builder);
        if (exporting)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
        }

        var openTelemetry = builder.Services.AddOpenTelemetry();
        // Aspire and the Kubernetes manifests set OTEL_SERVICE_NAME, which the SDK reads; name a service started
        // without it after its project rather than "unknown_service".
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            openTelemetry.ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName));
        }
        if (exporting)
        {
            openTelemetry.WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(MassTransitTelemetry, RelayTelemetry));
        }
        openTelemetry.WithTracing(tracing =>
        {
            tracing
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(MassTransitTelemetry, YarpTelemetry, RelayTelemetry);
            if (!exporting)
            {
                // Keep the trace context flowing, record nothing unless the caller's own trace is sampled. Recording
                // every span for no exporter cost the ingest path about half its throughput in ./bench.sh.
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
        builder.Services.AddSingleton<HealthStateLog>();
        // The health service logs every unhealthy check on every probe (an Error each few seconds through an outage);
        // HealthStateLog logs each change of state once instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);
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

    /// <summary>
    /// <c>/health</c> (readiness: the dependencies this service cannot serve without) and <c>/alive</c> (liveness), in
    /// every environment. A service's own <c>/health</c> is for its orchestrator and operators on the cluster network
    /// (the gateway routes only <c>/api/v1/**</c>), so it shows each failing check's full detail; the gateway, whose
    /// port is public, maps them with <paramref name="publicDetail"/> and shows only what <see cref="WritePublicHealthResponse"/> does.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, bool publicDetail = false)
    {
        Func<HttpContext, HealthReport, Task> writer = publicDetail ? WritePublicHealthResponse : WriteHealthResponse;
        app.MapHealthChecks(HealthPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = writer,
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 503, [HealthStatus.Unhealthy] = 503 },
        }).DisableHttpMetrics();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
            ResponseWriter = writer,
        }).DisableHttpMetrics();
        return app;
    }

    /// <summary>
    /// The key of <see cref="HealthCheckResult.Data"/> under which a check says what the public may know of its
    /// failure: "unreachable", "timed out", "authentication failed" (Relay.Infrastructure's checks set it). The
    /// description, with addresses and the client library's message, is for operators only.
    /// </summary>
    public const string PublicDetailKey = "public-detail";

    /// <summary>What a public answer says about a failing check that set no <see cref="PublicDetailKey"/>.</summary>
    public const string DefaultPublicDetail = "unavailable";

    /// <summary>
    /// The seed contract's health body: <c>{success, data: {status: ok|degraded, timestamp, checks: {name: {status: ok|error, detail?}}}}</c>,
    /// with each failing check's full detail (address, the client library's message): for a service's own <c>/health</c>.
    /// </summary>
    public static Task WriteHealthResponse(HttpContext context, HealthReport report) => WriteHealthResponse(context, report, publicDetail: false);

    /// <summary>
    /// The same body for anyone on the internet (the gateway's <c>/api/v1/health</c>): which dependency fails and a
    /// generic reason, never an address, port, host name or exception text. The full detail is logged once per
    /// change of state (<see cref="HealthStateLog"/>) and shown by each service's own <c>/health</c>.
    /// </summary>
    public static Task WritePublicHealthResponse(HttpContext context, HealthReport report) => WriteHealthResponse(context, report, publicDetail: true);

    public static string PublicDetailOf(HealthReportEntry entry) =>
        entry.Data.TryGetValue(PublicDetailKey, out var detail) && detail is string { Length: > 0 } text ? text : DefaultPublicDetail;

    private static Task WriteHealthResponse(HttpContext context, HealthReport report, bool publicDetail)
    {
        context.RequestServices.GetService<HealthStateLog>()?.Record(report);
        var timeProvider = context.RequestServices.GetRequiredService<TimeProvider>();
        var checks = report.Entries
            .Where(entry => entry.Key != "self")
            .ToDictionary(
                entry => entry.Key,
                entry => entry.Value.Status == HealthStatus.Healthy
                    ? new HealthCheckBody("ok", null)
                    : new HealthCheckBody("error", publicDetail
                        ? PublicDetailOf(entry.Value)
                        : entry.Value.Description ?? entry.Value.Exception?.Message ?? entry.Value.Status.ToString()));
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
