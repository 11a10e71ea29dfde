namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>What an API key may do. <see cref="Admin"/> implies every other scope; no other scope implies one.</summary>
public static class ApiKeyScopes
{
    /// <summary>Read anything (every GET).</summary>
    public const string Read = "read";

    /// <summary>Change integrations and destinations, publish events (every other POST, PATCH, PUT, DELETE).</summary>
    public const string Write = "write";

    /// <summary>Replay events (<c>POST /events/{id}/replay</c>, POST under <c>/replays</c>).</summary>
    public const string Replay = "replay";

    /// <summary>Everything, and managing API keys.</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Read, Write, Replay, Admin];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>Whether a key holding <paramref name="held"/> may act where <paramref name="required"/> is needed.</summary>
    public static bool Grants(IEnumerable<string> held, string required) =>
        held.Any(scope => scope == Admin || scope == required);

    /// <summary>The scopes <paramref name="held"/> amounts to: itself, or every scope when it holds <see cref="Admin"/>.</summary>
    public static IReadOnlyList<string> Effective(IReadOnlyCollection<string> held) =>
        held.Contains(Admin, StringComparer.Ordinal) ? All : All.Where(held.Contains).ToList();
}
