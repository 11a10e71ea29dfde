namespace Relay.Infrastructure.Data;

public sealed class PostgresNotificationOptions
{
    /// <summary>The channels the process LISTENs on (added by <c>AddRelayPostgresNotifications</c>).</summary>
    public HashSet<string> Channels { get; } = new(StringComparer.Ordinal);

    /// <summary>After this long without a notification the listener checks that its connection is still alive.</summary>
    public TimeSpan ConnectionCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
