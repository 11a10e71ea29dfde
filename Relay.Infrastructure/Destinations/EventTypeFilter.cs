using System.Diagnostics.CodeAnalysis;

namespace Relay.Infrastructure.Destinations;

/// <summary>
/// The event types a destination receives. A pattern is an exact type (<c>invoice.paid</c>), a prefix wildcard over
/// whole segments (<c>invoice.*</c>: <c>invoice.paid</c> and <c>invoice.line.added</c>, not <c>invoice</c> nor
/// <c>invoicex.paid</c>) or <c>*</c>; a type matches when any pattern does, and no pattern at all means every type.
/// Matching is case-sensitive (ordinal): providers name their types exactly.
/// </summary>
/// <remarks>
/// Duplicate patterns are collapsed (the first occurrence keeps its place) rather than rejected: they are harmless, and
/// an operator re-saving a list should not fail over one. Only ASCII letters and digits count as letters and digits: a
/// non-ASCII name would match only its exact code points, so look-alike or differently normalized spellings would
/// silently miss.
/// </remarks>
public sealed class EventTypeFilter
{
    public const int MaxPatterns = 50;
    public const int MaxPatternLength = 200;

    private const string AllowedCharacters = "letters, digits and . _ - : /";

    private readonly string[] exactTypes;
    // "invoice." for "invoice.*", so a prefix test also checks the segment boundary.
    private readonly string[] segmentPrefixes;

    private EventTypeFilter(string[] patterns, string[] exactTypes, string[] segmentPrefixes, bool matchesEveryType)
    {
        Patterns = patterns;
        this.exactTypes = exactTypes;
        this.segmentPrefixes = segmentPrefixes;
        MatchesEveryType = matchesEveryType;
    }

    /// <summary>The filter of a destination without patterns: every event type.</summary>
    public static EventTypeFilter Everything { get; } = new([], [], [], matchesEveryType: true);

    /// <summary>The validated patterns, duplicates collapsed, in their original order: what to store.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>True when the list is empty or holds <c>*</c>.</summary>
    public bool MatchesEveryType { get; }

    /// <summary>
    /// Validates <paramref name="patterns"/> (null or empty: every type). The error names the pattern by its 1-based
    /// number and the problem by its 1-based character position.
    /// </summary>
    public static bool TryCreate(IReadOnlyList<string>? patterns, [NotNullWhen(true)] out EventTypeFilter? filter, [NotNullWhen(false)] out string? error)
    {
        filter = null;
        if (patterns is null || patterns.Count == 0)
        {
            filter = Everything;
            error = null;
            return true;
        }
        // Checked before looking at any pattern, so a huge list costs nothing.
        if (patterns.Count > MaxPatterns)
        {
            error = $"at most {MaxPatterns} event type patterns are allowed; got {patterns.Count}";
            return false;
        }

        var distinct = new List<string>(patterns.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var exact = new List<string>();
        var prefixes = new List<string>();
        var everyType = false;
        for (var i = 0; i < patterns.Count; i++)
        {
            var pattern = patterns[i];
            error = Validate(pattern, i + 1);
            if (error is not null)
            {
                return false;
            }
            if (!seen.Add(pattern))
            {
                continue;
            }
            distinct.Add(pattern);
            if (pattern == "*")
            {
                everyType = true;
            }
            else if (pattern.EndsWith(".*", StringComparison.Ordinal))
            {
                prefixes.Add(pattern[..^1]);
            }
            else
            {
                exact.Add(pattern);
            }
        }
        filter = new EventTypeFilter([.. distinct], [.. exact], [.. prefixes], everyType);
        error = null;
        return true;
    }

    public bool Matches(string? eventType) => MatchesEveryType || (eventType is not null && Matches(eventType.AsSpan()));

    public bool Matches(ReadOnlySpan<char> eventType)
    {
        if (MatchesEveryType)
        {
            return true;
        }
        foreach (var exactType in exactTypes)
        {
            if (eventType.SequenceEqual(exactType))
            {
                return true;
            }
        }
        foreach (var prefix in segmentPrefixes)
        {
            // The wildcard stands for at least one more character: "invoice.*" does not match "invoice.".
            if (eventType.Length > prefix.Length && eventType.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static string? Validate(string? pattern, int number)
    {
        if (pattern is null)
        {
            return $"event type pattern {number} is null";
        }
        if (pattern.Length == 0)
        {
            return $"event type pattern {number} is empty";
        }
        if (pattern.Length > MaxPatternLength)
        {
            return $"event type pattern {number} is {pattern.Length} characters long; the limit is {MaxPatternLength}";
        }
        if (pattern == "*")
        {
            return null;
        }

        var nameLength = pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern.Length - 2 : pattern.Length;
        for (var i = 0; i < nameLength; i++)
        {
            var c = pattern[i];
            var position = i + 1;
            if (c == '.')
            {
                if (i == 0 || pattern[i - 1] == '.')
                {
                    return $"event type pattern {number} has an empty segment at position {position} (segments are separated by '.')";
                }
            }
            else if (c == '*')
            {
                return $"event type pattern {number} has '*' at position {position}; '*' is allowed only as the whole pattern or as the last segment after a '.' (e.g. invoice.*)";
            }
            else if (!IsAllowed(c))
            {
                return $"event type pattern {number} has {FilterText.Describe(c)} at position {position}; allowed are {AllowedCharacters}";
            }
        }
        // "invoice." and "invoice..*" end in an empty segment; ".*" is nothing but one.
        if (nameLength == 0 || pattern[nameLength - 1] == '.')
        {
            return $"event type pattern {number} has an empty segment at position {nameLength + 1} (segments are separated by '.')";
        }
        return null;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ':' or '/';
}
