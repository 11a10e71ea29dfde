namespace Relay.Infrastructure.Messaging;

public sealed class OutboxOptions
{
    public const string SectionName = "Relay:Outbox";

    public int BatchSize { get; set; } = 500;
    /// <summary>
    /// How often the publisher looks for rows nobody woke it for. Writers wake it (in process, and through PostgreSQL's
    /// notification from any other process), so this only bounds the delay of a row whose wake-up was lost.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// The most often another process's rows wake this publisher (PostgreSQL notifies once per committing
    /// transaction, and every replica and service listens): a row written elsewhere waits at most this long.
    /// </summary>
    public TimeSpan NotificationWakeInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
