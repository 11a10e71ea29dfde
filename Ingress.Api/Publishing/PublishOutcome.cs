using Relay.Infrastructure.Http;

namespace Relay.Ingress.Api.Publishing;

/// <summary>
/// The answer to a publish: <see cref="Answer"/> (202 new, 200 a duplicate of an event with the same <c>eventId</c>),
/// flagged <see cref="Replayed"/> when it is the stored first answer for the same <c>Idempotency-Key</c>; or an error.
/// </summary>
public sealed record PublishOutcome(StoredAnswer? Answer, bool Replayed, ApiError? Error)
{
    public static PublishOutcome Fail(ApiError error) => new(null, false, error);
}
