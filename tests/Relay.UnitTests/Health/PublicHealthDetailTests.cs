using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relay.Infrastructure.Health;
using HostingExtensions = Microsoft.Extensions.Hosting.Extensions;

namespace Relay.UnitTests.Health;

/// <summary>What the public health answer shows of a failing check, what operators get, and when it is logged.</summary>
public sealed class PublicHealthDetailTests
{
    private const string OperatorDetail = "Redis PING failed: It was not possible to connect to the redis server(s) (server 127.0.0.1:56379)";

    [Fact]
    public void The_checks_and_the_writer_agree_on_the_data_key() =>
        Assert.Equal(HostingExtensions.PublicDetailKey, PublicHealthDetail.DataKey);

    [Fact]
    public void Exceptions_map_to_generic_reasons()
    {
        Assert.Equal("unreachable", PublicHealthDetail.Of(new InvalidOperationException("wrapped", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal("timed out", PublicHealthDetail.Of(new SocketException((int)SocketError.TimedOut)));
        Assert.Equal("timed out", PublicHealthDetail.Of(new AggregateException(new TimeoutException("after 127.0.0.1:5432"))));
        Assert.Equal("unavailable", PublicHealthDetail.Of(new InvalidOperationException("host db.internal:5432 said no")));
    }

    [Fact]
    public async Task The_public_answer_has_the_generic_reason_and_the_operators_answer_the_full_detail()
    {
        var report = Report(PublicHealthDetail.Unhealthy(OperatorDetail, PublicHealthDetail.Unreachable));

        var publicBody = await WriteAsync(HostingExtensions.WritePublicHealthResponse, report);
        var operatorBody = await WriteAsync(HostingExtensions.WriteHealthResponse, report);

        Assert.Equal("unreachable", JsonNode.Parse(publicBody)!["data"]!["checks"]!["redis"]!["detail"]!.GetValue<string>());
        Assert.DoesNotContain("127.0.0.1", publicBody, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:56379", operatorBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_check_that_names_no_public_reason_shows_a_generic_one()
    {
        var report = Report(HealthCheckResult.Unhealthy("Exception at 10.1.2.3:5672", new InvalidOperationException("10.1.2.3")));

        var publicBody = await WriteAsync(HostingExtensions.WritePublicHealthResponse, report);

        Assert.Equal("unavailable", JsonNode.Parse(publicBody)!["data"]!["checks"]!["redis"]!["detail"]!.GetValue<string>());
        Assert.DoesNotContain("10.1.2.3", publicBody, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_change_is_logged_once_with_the_full_detail_and_recovery_once()
    {
        var logger = new ListLogger();
        var log = new HealthStateLog(logger);
        var failing = Report(PublicHealthDetail.Unhealthy(OperatorDetail, PublicHealthDetail.Unreachable));
        var timingOut = Report(PublicHealthDetail.Unhealthy("Redis PING failed: timeout (server 127.0.0.1:56379)", PublicHealthDetail.TimedOut));
        var healthy = Report(HealthCheckResult.Healthy("PING answered in 0.3 ms"));

        log.Record(healthy);
        log.Record(failing);
        log.Record(failing);
        log.Record(Report(PublicHealthDetail.Unhealthy(OperatorDetail + " again", PublicHealthDetail.Unreachable)));
        log.Record(timingOut);
        log.Record(healthy);
        log.Record(healthy);

        Assert.Equal(3, logger.Entries.Count);
        Assert.Equal((LogLevel.Warning, true), (logger.Entries[0].Level, logger.Entries[0].Message.Contains("127.0.0.1:56379", StringComparison.Ordinal)));
        Assert.Contains("timed out", logger.Entries[1].Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, logger.Entries[2].Level);
    }

    private static HealthReport Report(HealthCheckResult redis) => new(
        new Dictionary<string, HealthReportEntry>
        {
            ["redis"] = new(redis.Status, redis.Description, TimeSpan.FromMilliseconds(3), redis.Exception, redis.Data),
        },
        TimeSpan.FromMilliseconds(3));

    private static async Task<string> WriteAsync(Func<HttpContext, HealthReport, Task> writer, HealthReport report)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton(TimeProvider.System).BuildServiceProvider(),
            Response = { Body = new MemoryStream() },
        };
        await writer(context, report);
        context.Response.Body.Position = 0;
        return await new StreamReader(context.Response.Body).ReadToEndAsync();
    }

    private sealed class ListLogger : ILogger<HealthStateLog>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
