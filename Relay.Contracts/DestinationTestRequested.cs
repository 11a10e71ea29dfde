namespace Relay.Contracts;

/// <summary>
/// An operator asked for a test delivery to a destination; Delivery.Worker sends it, signed like any delivery, and
/// answers with <see cref="DestinationTestCompleted"/>. Request and response, not the outbox: the operator is waiting,
/// and nothing is stored that a lost message could lose.
/// </summary>
public sealed record DestinationTestRequested(Guid DestinationId, Guid TestId, string EventType, string Payload);

/// <param name="Succeeded">The receiver answered 2xx.</param>
/// <param name="ResponseExcerpt">The start of the receiver's answer, as stored for attempts (redacted by Management before it is shown).</param>
public sealed record DestinationTestCompleted(Guid TestId, bool Found, bool Succeeded, int? HttpStatus, int DurationMs, string? Error, string? ResponseExcerpt);
