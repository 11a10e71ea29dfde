namespace Relay.Client;

/// <summary>A destination's new signing secret, shown this once, and until when the replaced one keeps signing.</summary>
public sealed record RotatedSigningSecret(string SigningSecret, DateTimeOffset? PreviousValidUntil)
{
    // A record prints its values; this one holds a secret.
    /// <inheritdoc />
    public override string ToString() => $"{nameof(RotatedSigningSecret)} {{ PreviousValidUntil = {PreviousValidUntil} }}";
}
