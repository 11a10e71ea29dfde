namespace Relay.AppHost.Infrastructure;

/// <summary>How the AppHost provides PostgreSQL, Redis and RabbitMQ (<c>Relay:Infrastructure</c>).</summary>
public enum InfrastructureMode
{
    /// <summary>Containers where a container runtime answers, local servers otherwise.</summary>
    Auto,

    /// <summary>Aspire's PostgreSQL, Redis and RabbitMQ containers with data volumes.</summary>
    Containers,

    /// <summary>The servers from the operating system's packages, run by <c>scripts/infra.sh serve</c>.</summary>
    Local,
}
