namespace Relay.AppHost.Tests;

/// <summary>The model with Aspire's PostgreSQL, Redis and RabbitMQ containers (a machine with a container runtime).</summary>
public sealed class ContainerModelFixture() : AppModelFixture("containers");
