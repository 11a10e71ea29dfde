using System.ComponentModel.DataAnnotations;

namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>How API keys are checked (<c>Relay:ApiKeys</c>).</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Relay:ApiKeys";

    /// <summary>
    /// How long each process remembers a key it has looked up, so most requests cost no query. A revoked key keeps
    /// working on another process (another replica, or Ingress) for up to this long; the process that revokes it
    /// forgets it at once.
    /// </summary>
    [Range(0, 3600)]
    public int CacheSeconds { get; set; } = 30;

    /// <summary><c>last_used_at</c> is written at most once per key and process in this many seconds.</summary>
    [Range(1, 86_400)]
    public int LastUsedIntervalSeconds { get; set; } = 60;

    public TimeSpan CacheDuration => TimeSpan.FromSeconds(CacheSeconds);

    public TimeSpan LastUsedInterval => TimeSpan.FromSeconds(LastUsedIntervalSeconds);
}
