using System.ComponentModel.DataAnnotations;

namespace Relay.Management.Api.Security;

/// <summary>How many wrong management keys one client address may send before it has to wait (<c>Relay:ManagementKeyThrottle</c>).</summary>
public sealed class ManagementKeyThrottleOptions
{
    public const string SectionName = "Relay:ManagementKeyThrottle";

    /// <summary>Failed attempts (missing or wrong key) per address and window; the next request from it gets 429.</summary>
    [Range(1, 1_000_000)]
    public int MaxFailures { get; set; } = 10;

    /// <summary>The window starts at an address's first failure; its count and its throttle end with it.</summary>
    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
