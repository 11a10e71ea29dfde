namespace Relay.Client;

/// <summary>Replaces a destination's signing secret; the old one keeps signing for <see cref="GraceSeconds"/>.</summary>
public sealed record RotateSigningSecretRequest
{
    /// <summary>How long the replaced secret keeps signing (Relay's default when not set).</summary>
    public int? GraceSeconds { get; init; }

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }
}
