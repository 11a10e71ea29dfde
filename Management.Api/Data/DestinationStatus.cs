namespace Relay.Management.Api.Data;

/// <summary>
/// What an operator sees of a destination's state. Paused is the operator's own switch; disabled is Delivery.Worker's
/// automatic one (<c>destination_health.disabled_at</c>), lifted by a resume that came after it.
/// </summary>
public static class DestinationStatus
{
    public const string Enabled = "enabled";
    public const string Paused = "paused";
    public const string Disabled = "disabled";

    /// <summary>Whether an automatic disable is in force: it happened after the last resume (if any).</summary>
    public static bool IsDisabled(DateTime? disabledAt, DateTime? resumedAt) => disabledAt is { } at && (resumedAt is not { } resumed || at > resumed);

    public static string Of(bool paused, DateTime? disabledAt, DateTime? resumedAt) =>
        paused ? Paused : IsDisabled(disabledAt, resumedAt) ? Disabled : Enabled;
}
