namespace Relay.Ingress.Api.Publishing;

/// <summary>
/// What became of a publish under an <c>Idempotency-Key</c>: written now (<see cref="Answer"/> is its first answer),
/// or the key was already used (<see cref="Earlier"/>, with the hash of that request's body), or a request with the
/// key is still being written (<see cref="InProgress"/>).
/// </summary>
public sealed record IdempotentPublish(StoredAnswer? Answer, IdempotentPublish.EarlierUse? Earlier, bool InProgress)
{
    public static IdempotentPublish StillInProgress { get; } = new(null, null, true);

    public sealed record EarlierUse(byte[] RequestHash, StoredAnswer Answer);
}
