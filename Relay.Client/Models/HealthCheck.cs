namespace Relay.Client;

/// <summary>One dependency's health: <c>ok</c> or <c>error</c>, with a short public detail when failing.</summary>
public sealed record HealthCheck(string Status, string? Detail);
