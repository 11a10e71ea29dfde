namespace Relay.Management.Api.Data;

/// <summary>When and why Delivery.Worker disabled a destination; answered while that disable is in force.</summary>
public sealed record DestinationDisabledView(DateTime At, string? Reason);
