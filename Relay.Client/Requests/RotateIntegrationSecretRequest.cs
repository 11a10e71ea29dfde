namespace Relay.Client;

/// <summary>A new inbound secret; the replaced one still verifies for <see cref="GraceSeconds"/> (default a day, at most a week, 0 to stop it at once).</summary>
public sealed record RotateIntegrationSecretRequest(string Secret)
{
    /// <summary>How long the replaced secret still verifies.</summary>
    public int? GraceSeconds { get; init; }

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }

    // A record prints its values; this one holds a secret.
    /// <inheritdoc />
    public override string ToString() => $"{nameof(RotateIntegrationSecretRequest)} {{ GraceSeconds = {GraceSeconds} }}";
}
