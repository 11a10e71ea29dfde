using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Relay.Infrastructure.Data;

namespace Relay.UnitTests.Data;

public sealed class PostgresNotificationsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("Relay_Outbox")]
    [InlineData("relay-outbox")]
    [InlineData("relay\"; DROP TABLE outbox_messages; --")]
    public void Only_plain_identifiers_are_channels(string channel)
    {
        var builder = Host.CreateApplicationBuilder();
        Assert.Throws<ArgumentException>(() => builder.AddRelayPostgresNotifications(channel));
    }

    [Fact]
    public void Several_channels_share_one_listener()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:relaydb", "Host=127.0.0.1;Database=unused")]);
        builder.AddRelayDatabase(applyMigrations: false);
        builder.AddRelayPostgresNotifications("first_channel").AddRelayPostgresNotifications("second_channel");
        using var services = builder.Services.BuildServiceProvider();

        var listener = Assert.Single(services.GetServices<IHostedService>().OfType<PostgresNotifications>());
        Assert.Same(services.GetRequiredService<PostgresNotifications>(), listener);
        Assert.Equal(["first_channel", "second_channel"], services.GetRequiredService<IOptions<PostgresNotificationOptions>>().Value.Channels.Order());
    }

    [Fact]
    public void Subscribing_to_a_channel_nobody_listens_to_fails()
    {
        using var notifications = Notifications("relay_outbox");
        Assert.Throws<InvalidOperationException>(() => notifications.Subscribe("other_channel", () => { }));
    }

    [Fact]
    public void A_disposed_subscription_is_no_longer_called()
    {
        using var notifications = Notifications("relay_outbox");
        var kept = 0;
        var dropped = 0;
        using var keep = notifications.Subscribe("relay_outbox", () => kept++);
        var drop = notifications.Subscribe("relay_outbox", () => dropped++);

        notifications.Notify("relay_outbox");
        drop.Dispose();
        drop.Dispose();
        notifications.Notify("relay_outbox");

        Assert.Equal((2, 1), (kept, dropped));
    }

    private static PostgresNotifications Notifications(string channel)
    {
        var options = new PostgresNotificationOptions();
        options.Channels.Add(channel);
        return new PostgresNotifications(NpgsqlDataSource.Create("Host=127.0.0.1;Database=unused"), Options.Create(options), TimeProvider.System, NullLogger<PostgresNotifications>.Instance);
    }
}
