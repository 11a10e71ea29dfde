using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Relay.Management.Api.Queries;

/// <summary>
/// Reads query-string values as strings and validates them itself, collecting one message per bad parameter,
/// so every malformed value answers the contract's 400 <c>VALIDATION_ERROR</c> (the framework's binder would
/// answer its own format, or a 500). A parameter given with an empty value counts as not given.
/// The parameters a route reads are the ones it supports: <see cref="RejectUnknown"/> turns any other name in the
/// query into an error, so a misspelt or unsupported filter is refused rather than silently ignored.
/// </summary>
public sealed partial class QueryReader(IQueryCollection query)
{
    public const int MaxTextLength = 200;

    private readonly Dictionary<string, string> errors = new(StringComparer.Ordinal);

    // Matched as ASP.NET Core matches query names: case-insensitively.
    private readonly List<string> supported = [];

    public IReadOnlyDictionary<string, string> Errors => errors;

    /// <summary>The parameters read so far: the ones the route supports.</summary>
    public IReadOnlyList<string> Supported => supported;

    public bool IsValid => errors.Count == 0;

    public void Fail(string name, string message) => errors.TryAdd(name, message);

    /// <summary>
    /// Fails every parameter of the query that no read asked for, naming what the route does support. Call it once
    /// every parameter has been read (<see cref="QueryResult{T}.From"/> does).
    /// </summary>
    public void RejectUnknown()
    {
        foreach (var name in query.Keys)
        {
            if (!supported.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                Fail(name, supported.Count == 0
                    ? "is not a supported parameter; this route takes no query parameters"
                    : $"is not a supported parameter; supported: {string.Join(", ", supported)}");
            }
        }
    }

    /// <summary>The raw value, or null when absent or empty; a parameter repeated in the query is an error.</summary>
    public string? Raw(string name)
    {
        if (!supported.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            supported.Add(name);
        }
        if (!query.TryGetValue(name, out var values) || StringValues.IsNullOrEmpty(values))
        {
            return null;
        }
        if (values.Count > 1)
        {
            Fail(name, "must be given at most once");
            return null;
        }
        var value = values.ToString();
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            // PostgreSQL text cannot hold NUL; a parameter carrying one would fail in the database, not here.
            Fail(name, "must not contain NUL characters");
            return null;
        }
        return value.Length == 0 ? null : value;
    }

    public string? Text(string name, int maxLength = MaxTextLength)
    {
        var value = Raw(name);
        if (value is not null && value.Length > maxLength)
        {
            Fail(name, $"must be at most {maxLength} characters");
            return null;
        }
        return value;
    }

    /// <summary>A provider key as ingest stores it: lower-cased, 2-50 letters, digits, '-' or '_'.</summary>
    public string? Provider(string name = "provider")
    {
        var value = Raw(name);
        if (value is null)
        {
            return null;
        }
        var provider = value.ToLowerInvariant();
        if (!ProviderPattern().IsMatch(provider))
        {
            Fail(name, "must be a provider key of 2-50 characters: letters, digits, '-' or '_'");
            return null;
        }
        return provider;
    }

    public int Integer(string name, int defaultValue, int min, int max)
    {
        var value = Raw(name);
        if (value is null)
        {
            return defaultValue;
        }
        // NumberStyles.None: digits only, so "-1", "+1", " 1", "1e3" and "1.0" are all rejected.
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            Fail(name, $"must be an integer between {min} and {max}");
            return defaultValue;
        }
        return number;
    }

    public bool? Boolean(string name)
    {
        switch (Raw(name))
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Fail(name, "must be true or false");
                return null;
        }
    }

    /// <summary>One of the allowed values, compared exactly (the contract's enums are case-sensitive).</summary>
    public string? OneOf(string name, IReadOnlyCollection<string> allowed)
    {
        var value = Raw(name);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Fail(name, $"must be one of: {string.Join(", ", allowed)}");
            return null;
        }
        return value;
    }

    public Guid? Uuid(string name)
    {
        var value = Raw(name);
        if (value is null)
        {
            return null;
        }
        if (!TryParseUuid(value, out var id))
        {
            Fail(name, "must be a UUID");
            return null;
        }
        return id;
    }

    /// <summary>An ISO-8601 date or date-time; without an offset it is taken as UTC.</summary>
    public DateTimeOffset? Timestamp(string name)
    {
        var value = Raw(name);
        if (value is null)
        {
            return null;
        }
        if (!TryParseTimestamp(value, out var timestamp))
        {
            Fail(name, "must be an ISO-8601 date or date-time (e.g. 2026-11-20 or 2026-11-20T10:15:00Z)");
            return null;
        }
        return timestamp;
    }

    /// <summary>A time range <c>from</c>..<c>to</c> (both ends inclusive, either optional); <c>from</c> after <c>to</c> is an error.</summary>
    public (DateTimeOffset? From, DateTimeOffset? To) TimeRange(string fromName = "from", string toName = "to")
    {
        var from = Timestamp(fromName);
        var to = Timestamp(toName);
        if (from is not null && to is not null && from > to)
        {
            Fail(fromName, $"must not be later than {toName}");
        }
        return (from, to);
    }

    public Paging Paging() => new(
        Integer("page", defaultValue: 1, min: 1, max: Queries.Paging.MaxPage),
        Integer("pageSize", defaultValue: Queries.Paging.DefaultPageSize, min: 1, max: Queries.Paging.MaxPageSize));

    /// <summary>A UUID in its canonical 8-4-4-4-12 form (what the API returns and what callers copy).</summary>
    public static bool TryParseUuid(string? value, out Guid id) => Guid.TryParseExact(value, "D", out id);

    public static bool TryParseTimestamp(string value, out DateTimeOffset timestamp)
    {
        timestamp = default;
        return IsoDatePrefix().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,49}$")]
    private static partial Regex ProviderPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:$|[T ])")]
    private static partial Regex IsoDatePrefix();
}
