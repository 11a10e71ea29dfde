namespace Relay.Management.Api.Data;

/// <summary>The sums of every bucket's counts.</summary>
public sealed record ActivityTotals(int Accepted, int Delivered, int FailedAttempts, int Exhausted);
