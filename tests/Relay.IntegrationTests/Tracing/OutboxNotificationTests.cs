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
/// The outbox publisher sleeps until woken. A row another process wrote (here: inserted with SQL, as another replica
/// would) reaches it through PostgreSQL's notification, not its in-process signal nor its poll (set to minutes here),
/// and that still holds after its listening connection was killed.
/// </summary>
public sealed class OutboxNotificationTests : IAsyncLifetime
{
    private static readonly TimeSpan PublishWithin = TimeSpan.FromSeconds(2);

    private IsolatedDependencies? dependencies;
    private NpgsqlDataSource? dataSource;

    private NpgsqlDataSource Database => dataSource ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        dependencies = await IsolatedDependencies.CreateAsync("outbox-notify");
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

    [Fact]
    public async Task A_row_written_by_another_process_is_published_on_notification_also_after_the_listener_was_killed()
    {
        var options = new PostgresNotificationOptions { ConnectionCheckInterval = TimeSpan.FromMinutes(5) };
        options.Channels.Add(OutboxPublisher.NotificationChannel);
        var notifications = new PostgresNotifications(Database, Options.Create(options), TimeProvider.System, NullLogger<PostgresNotifications>.Instance);
        var bus = Bus.Factory.CreateUsingInMemory(_ => { });
        var publisher = new OutboxPublisher(Database, bus, new OutboxSignal(), notifications,
            Options.Create(new OutboxOptions { PollInterval = TimeSpan.FromMinutes(10) }), TimeProvider.System, NullLogger<OutboxPublisher>.Instance);
        await bus.StartAsync();
        await notifications.StartAsync(CancellationToken.None);
        await publisher.StartAsync(CancellationToken.None);
        try
        {
            var listener = await ListenerProcessIdAsync(notifications, previous: 0);
            // The publisher's first pass (at start, and on the listener's catch-up wake) has found the table empty.
            await Task.Delay(500);

            await AssertPublishedWithinAsync(await WriteAsOtherProcessAsync());

            await using (var admin = await Database.OpenConnectionAsync())
            {
                Assert.True(await admin.ExecuteScalarAsync<bool>("SELECT pg_terminate_backend(@listener)", new { listener }));
            }
            await ListenerProcessIdAsync(notifications, previous: listener);
            await Task.Delay(500);

            await AssertPublishedWithinAsync(await WriteAsOtherProcessAsync());
        }
        finally
        {
            await publisher.StopAsync(CancellationToken.None);
            await notifications.StopAsync(CancellationToken.None);
            await bus.StopAsync();
        }
    }

    [Fact]
    public async Task A_transaction_that_writes_many_rows_sends_one_notification()
    {
        await using var listener = await Database.OpenConnectionAsync();
        var received = 0;
        listener.Notification += (_, _) => Interlocked.Increment(ref received);
        await listener.ExecuteAsync($"LISTEN {OutboxPublisher.NotificationChannel}");

        await using (var writer = await Database.OpenConnectionAsync())
        await using (var transaction = await writer.BeginTransactionAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                await writer.ExecuteAsync(OutboxEntry.InsertSql, Entry(), transaction);
            }
            await writer.ExecuteAsync(OutboxEntry.InsertSql, new[] { Entry(), Entry() }, transaction);
            await transaction.CommitAsync();
        }

        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(await listener.WaitAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(1, received);
    }

    private static OutboxEntry Entry() => OutboxEntry.For(new EventAccepted(Guid.NewGuid(), "acme", "outbox-notify", DateTimeOffset.UtcNow));

    private static async Task<int> ListenerProcessIdAsync(PostgresNotifications notifications, int previous)
    {
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (notifications.ListenerProcessId is var current && current != 0 && current != previous)
            {
                return current;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("The notification listener did not (re)connect within 10 s.");
    }

    private async Task<long> WriteAsOtherProcessAsync()
    {
        await using var connection = await Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(OutboxEntry.InsertSql + " RETURNING id", Entry());
    }

    // The publisher deletes a row once the broker confirmed its message.
    private async Task AssertPublishedWithinAsync(long rowId)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await Database.OpenConnectionAsync();
        while (Stopwatch.GetElapsedTime(started) < PublishWithin)
        {
            if (!await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM outbox_messages WHERE id = @rowId)", new { rowId }))
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"Outbox row {rowId} was not published within {PublishWithin.TotalSeconds} s.");
    }
}
