using Aspire.Hosting.ApplicationModel;

namespace Relay.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL, Redis or RabbitMQ run from the operating system's packages by <c>scripts/infra.sh serve</c>, for
/// machines without a container runtime. It offers a connection string like the container resources do, so the
/// services get the same <c>ConnectionStrings__*</c> either way.
/// </summary>
public sealed class LocalServerResource(string name, string command, string workingDirectory, string connectionString)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The connection string as the services read it, without Aspire's expression syntax.</summary>
    public string ConnectionString { get; } = connectionString;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{ConnectionString}");
}
