namespace Relay.Client;

/// <summary>The default destination created with an integration, with its signing secret (<c>whsec_…</c>), shown this once.</summary>
public sealed record CreatedDefaultDestination(Guid Id, string SigningSecret)
{
    // A record prints its values; this one holds a secret.
    /// <inheritdoc />
    public override string ToString() => $"{nameof(CreatedDefaultDestination)} {{ Id = {Id} }}";
}
