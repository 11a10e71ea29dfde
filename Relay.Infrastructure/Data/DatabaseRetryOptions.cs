using System.ComponentModel.DataAnnotations;

namespace Relay.Infrastructure.Data;

/// <summary><c>Relay:Database</c>: how long a request waits out a database outage before it answers 503.</summary>
public sealed class DatabaseRetryOptions
{
    public const string SectionName = "Relay:Database";

    /// <summary>
    /// The longest a request keeps retrying while PostgreSQL is unreachable or restarting (a fast restart takes
    /// 1–3 s). Below the gateway's 30 s upstream timeout and the 10 s many providers wait for an answer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:25")]
    public TimeSpan OutageBudget { get; set; } = TimeSpan.FromSeconds(8);
}
