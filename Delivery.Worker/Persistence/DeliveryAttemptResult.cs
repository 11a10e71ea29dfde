namespace Relay.Delivery.Worker.Persistence;

/// <summary>What happened on the wire; <see cref="Attempted"/> is false when no request was made (inactive integration).</summary>
public sealed record DeliveryAttemptResult(bool Attempted, bool Succeeded, int? HttpStatus, string? ResponseBody, string? Error, int DurationMs);
