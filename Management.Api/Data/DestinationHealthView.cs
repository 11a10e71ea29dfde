namespace Relay.Management.Api.Data;

/// <summary>What Delivery.Worker has learned delivering to a destination (<c>destination_health</c>); zero and nulls before its first attempt.</summary>
public sealed record DestinationHealthView(
    int ConsecutiveFailures,
    DateTime? FailingSince,
    DateTime? LastSuccessAt,
    DateTime? LastFailureAt,
    string? LastError,
    DateTime? CircuitOpenUntil);
