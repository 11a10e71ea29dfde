namespace Relay.AppHost.Tests;

/// <summary>The model with the servers from the operating system's packages (a machine without a container runtime).</summary>
public sealed class LocalModelFixture() : AppModelFixture("local");
