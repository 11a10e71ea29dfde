using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

// What every Relay service shares as a host, after the shape of Aspire's ServiceDefaults. Built on the core
// OpenTelemetry SDK: the hosting and instrumentation packages are not in our package feed, and ASP.NET Core,
// HttpClient, Npgsql and MassTransit all publish ActivitySources and Meters the SDK can listen to directly.
public static class Extensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    private static readonly string[] ActivitySources = ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "MassTransit", "Yarp.ReverseProxy", "Relay.*"];
    private static readonly string[] Meters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing", "System.Net.Http", "System.Runtime", "Npgsql", "MassTransit", "Relay.*"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddSingleton(TimeProvider.System);
        // Give in-flight work (deliveries, outbox batches) time to finish on SIGTERM.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Export only where a collector is configured (Aspire and Kubernetes set OTEL_EXPORTER_OTLP_ENDPOINT).
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var endpoint = new Uri(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]!);
        var protocol = builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        void ConfigureExporter(OtlpExporterOptions options)
        {
            options.Endpoint = endpoint;
            options.Protocol = protocol;
            options.Headers = builder.Configuration["OTEL_EXPORTER_OTLP_HEADERS"];
        }
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName, serviceInstanceId: Environment.MachineName);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(resource);
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddOtlpExporter(ConfigureExporter);
        });
        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(ActivitySources)
            .AddOtlpExporter(ConfigureExporter)
            .Build());
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(Meters)
            .AddOtlpExporter(ConfigureExporter)
            .Build());
        builder.Services.AddHostedService<TelemetryProvidersActivator>();
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

    private sealed record HealthCheckBody(string Status, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Detail);

    /// <summary>Resolves the tracer and meter providers at startup so they listen from the first request.</summary>
    private sealed class TelemetryProvidersActivator(TracerProvider tracerProvider, MeterProvider meterProvider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(tracerProvider);
            GC.KeepAlive(meterProvider);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracerProvider.ForceFlush(2000);
            meterProvider.ForceFlush(2000);
            return Task.CompletedTask;
        }
    }
}
