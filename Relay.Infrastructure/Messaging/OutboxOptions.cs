namespace Relay.Infrastructure.Messaging;

public sealed class OutboxOptions
{
    public const string SectionName = "Relay:Outbox";

    public int BatchSize { get; set; } = 500;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
