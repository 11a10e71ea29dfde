namespace Relay.Client;

/// <summary>What a destination's receiver made of a test event.</summary>
public sealed record TestSendResult(Guid TestId, bool Succeeded, int? HttpStatus, int DurationMs, string? Error, string? ResponseExcerpt);
