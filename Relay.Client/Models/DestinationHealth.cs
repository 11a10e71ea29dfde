namespace Relay.Client;

/// <summary>What Relay has learned delivering to a destination; zero and nulls before its first attempt.</summary>
public sealed record DestinationHealth(
    int ConsecutiveFailures, DateTimeOffset? FailingSince, DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt, string? LastError, DateTimeOffset? CircuitOpenUntil);
