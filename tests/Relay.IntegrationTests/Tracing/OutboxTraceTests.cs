using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Relay.Contracts;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Messaging;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Tracing;

/// <summary>
/// The outbox publisher against a real database and MassTransit's in-memory bus, with the spans it makes recorded:
/// one batch carries messages of different traces, and each goes out in its own.
/// </summary>
public sealed class OutboxTraceTests : IAsyncLifetime, IDisposable
{
    private readonly ConcurrentQueue<Activity> spans = new();
    private readonly ActivityListener listener;
    private IsolatedDependencies? dependencies;
    private NpgsqlDataSource? dataSource;

    public OutboxTraceTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Relay.Outbox" or "MassTransit" or "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    private NpgsqlDataSource Database => dataSource ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        // As AddRelayDatabase sets it for the services: the publisher reads message_type into MessageType.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        dependencies = await IsolatedDependencies.CreateAsync("outbox-trace");
        dataSource = dependencies.OpenDataSource();
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }
        if (dependencies is not null)
        {
            await dependencies.DisposeAsync();
        }
    }

    public void Dispose() => listener.Dispose();

    [Fact]
    public async Task Each_message_of_a_batch_is_published_in_the_trace_that_wrote_it()
    {
        var first = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var second = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var firstRow = await WriteAsync(TraceParentOf(first));
        var secondRow = await WriteAsync(TraceParentOf(second));
        var untracedRow = await WriteAsync(null);

        var bus = Bus.Factory.CreateUsingInMemory(_ => { });
        await bus.StartAsync();
        try
        {
            var notifications = new PostgresNotifications(Database, Options.Create(new PostgresNotificationOptions()), TimeProvider.System, NullLogger<PostgresNotifications>.Instance);
            var publisher = new OutboxPublisher(Database, bus, new OutboxSignal(), notifications, Options.Create(new OutboxOptions()), TimeProvider.System, NullLogger<OutboxPublisher>.Instance);
            Assert.Equal(3, await publisher.PublishBatchAsync(CancellationToken.None));
        }
        finally
        {
            await bus.StopAsync();
        }

        var batch = Assert.Single(spans, span => span.OperationName == "outbox publish batch");
        var firstPublish = PublishSpanOf(firstRow);
        var secondPublish = PublishSpanOf(secondRow);
        var untracedPublish = PublishSpanOf(untracedRow);

        // The stored context is the parent; the batch is a link.
        Assert.Equal((first.TraceId, first.SpanId), (firstPublish.TraceId, firstPublish.ParentSpanId));
        Assert.Equal((second.TraceId, second.SpanId), (secondPublish.TraceId, secondPublish.ParentSpanId));
        Assert.All([firstPublish, secondPublish], span => Assert.Equal(batch.SpanId, Assert.Single(span.Links).Context.SpanId));
        // A row written outside any trace goes out in the batch's.
        Assert.Equal((batch.TraceId, batch.SpanId), (untracedPublish.TraceId, untracedPublish.ParentSpanId));

        // MassTransit's send spans (which carry the context in the message headers) sit under each message's own span.
        foreach (var publish in new[] { firstPublish, secondPublish, untracedPublish })
        {
            var send = Assert.Single(spans, span => span.Source.Name == "MassTransit" && span.Kind == ActivityKind.Producer && span.ParentSpanId == publish.SpanId);
            Assert.Equal(publish.TraceId, send.TraceId);
        }
        // The statement that removes the sent rows is a span of the batch.
        Assert.Contains(spans, span => span.Source.Name == "Npgsql" && span.ParentSpanId == batch.SpanId);
    }

    private static string TraceParentOf(ActivityContext context) => $"00-{context.TraceId}-{context.SpanId}-01";

    private Activity PublishSpanOf(long rowId) =>
        Assert.Single(spans, span => span.OperationName == "outbox publish EventAccepted" && Equals(span.GetTagItem("relay.outbox.message_id"), rowId));

    private async Task<long> WriteAsync(string? traceParent)
    {
        var entry = OutboxEntry.For(new EventAccepted(Guid.NewGuid(), "acme", "outbox-trace", DateTimeOffset.UtcNow)) with { TraceParent = traceParent };
        await using var connection = await Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(OutboxEntry.InsertSql + " RETURNING id", entry);
    }
}
