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
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
