using Aspire.Hosting.ApplicationModel;

namespace Relay.AppHost.Infrastructure;

/// <summary>
/// The three servers every Relay service references, whichever way they run. The services read them as
/// <c>ConnectionStrings:relaydb</c>, <c>:redis</c> and <c>:rabbitmq</c>, the keys Kubernetes sets too.
/// </summary>
public sealed record BackingServices(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> RabbitMq,
    InfrastructureMode Mode)
{
    public const string DatabaseConnectionName = "relaydb";
    public const string RedisConnectionName = "redis";
    public const string RabbitMqConnectionName = "rabbitmq";
}
