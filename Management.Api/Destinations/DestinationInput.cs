using System.Text.Json;
using Relay.Infrastructure.Destinations;
using Relay.Management.Api.Requests;
// Inside the record its RetryPolicy and PayloadFilter properties hide the types of the same names.
using PayloadFilterType = Relay.Infrastructure.Destinations.PayloadFilter;
using RetryPolicyType = Relay.Management.Api.Destinations.RetryPolicy;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// The body of <c>POST /integrations/{id}/destinations</c> (<c>url</c> required) and <c>PATCH /destinations/{id}</c>
/// (every field optional; null clears an optional one): each field is <see cref="Optional{T}"/>, unset when absent.
/// <see cref="Headers"/> holds the values as given (possibly credentials): they are encrypted before they are stored
/// and never answered, logged or audited. <c>requestedBy</c> (2-120 characters, default "api-user", as for a replay)
/// names who asked, for the audit trail.
/// </summary>
public sealed record DestinationInput(
    Optional<string> Url,
    Optional<string?> Description,
    Optional<IReadOnlyList<string>> EventTypes,
    Optional<string?> PayloadFilter,
    Optional<IReadOnlyDictionary<string, string>> Headers,
    Optional<int?> TimeoutSeconds,
    Optional<RetryPolicy?> RetryPolicy,
    Optional<int?> RateLimitPerSecond,
    Optional<bool> Paused,
    string RequestedBy)
{
    public const string DefaultRequestedBy = "api-user";
    public const int MaxUrlLength = 2000;
    public const int MaxDescriptionLength = 500;
    public const int MaxTimeoutSeconds = 30;
    public const int MaxRateLimitPerSecond = 10_000;

    /// <summary>The names of the fields the body gave (the destination's settings, not <c>requestedBy</c>).</summary>
    public IReadOnlyList<string> GivenFields =>
    [
        .. Url.IsSet ? ["url"] : Array.Empty<string>(),
        .. Description.IsSet ? ["description"] : Array.Empty<string>(),
        .. EventTypes.IsSet ? ["eventTypes"] : Array.Empty<string>(),
        .. PayloadFilter.IsSet ? ["payloadFilter"] : Array.Empty<string>(),
        .. Headers.IsSet ? ["headers"] : Array.Empty<string>(),
        .. TimeoutSeconds.IsSet ? ["timeoutSeconds"] : Array.Empty<string>(),
        .. RetryPolicy.IsSet ? ["retryPolicy"] : Array.Empty<string>(),
        .. RateLimitPerSecond.IsSet ? ["rateLimitPerSecond"] : Array.Empty<string>(),
        .. Paused.IsSet ? ["paused"] : Array.Empty<string>(),
    ];

    // Header values may be credentials: a destination input printed anywhere shows which fields it has, nothing more.
    public override string ToString() => $"DestinationInput {{ {string.Join(", ", GivenFields)} }}";

    public static BodyResult<DestinationInput> ParseCreate(ReadOnlyMemory<byte> body) => Parse(body, creating: true);

    public static BodyResult<DestinationInput> ParsePatch(ReadOnlyMemory<byte> body) => Parse(body, creating: false);

    private static BodyResult<DestinationInput> Parse(ReadOnlyMemory<byte> body, bool creating)
    {
        using var document = JsonFields.ParseObject(body);
        if (document is null)
        {
            return BodyResult<DestinationInput>.Invalid(JsonFields.NotAnObject);
        }
        var fields = JsonFields.Of(document);

        var url = Read(fields, "url", value => ReadUrl(fields, value));
        if (creating && !url.IsSet)
        {
            fields.Fail("url", "is required");
        }
        var description = Read(fields, "description", value => ReadDescription(fields, value));
        var eventTypes = Read(fields, "eventTypes", value => ReadEventTypes(fields, value));
        var payloadFilter = Read(fields, "payloadFilter", value => ReadPayloadFilter(fields, value));
        var headers = Read(fields, "headers", value => ReadHeaders(fields, value));
        var timeoutSeconds = Read(fields, "timeoutSeconds", value => NullOr(value, () => fields.Integer("timeoutSeconds", value, 1, MaxTimeoutSeconds)));
        var retryPolicy = Read(fields, "retryPolicy", value => ReadRetryPolicy(fields, value));
        var rateLimit = Read(fields, "rateLimitPerSecond", value => NullOr(value, () => fields.Integer("rateLimitPerSecond", value, 1, MaxRateLimitPerSecond)));
        var paused = Read(fields, "paused", value => ReadPaused(fields, value));
        var requestedBy = fields.Text("requestedBy", 2, 120) ?? DefaultRequestedBy;
        fields.RejectUnknown();

        if (!fields.IsValid)
        {
            return BodyResult<DestinationInput>.Invalid(creating ? "Invalid destination" : "Invalid destination update", fields.Errors);
        }
        return BodyResult<DestinationInput>.Valid(new DestinationInput(
            new Optional<string>(url.IsSet, url.Value!), description, eventTypes, payloadFilter, headers, timeoutSeconds, retryPolicy, rateLimit, paused, requestedBy));
    }

    /// <summary>
    /// Why <paramref name="url"/> cannot be a destination URL before its host is even resolved, or null: an absolute
    /// http(s) URL of at most <see cref="MaxUrlLength"/> characters, with a host and without credentials (a URL is
    /// answered by every read; credentials belong in a header, which is stored encrypted).
    /// </summary>
    public static string? CheckUrl(string url)
    {
        if (url.Length == 0 || url.Length > MaxUrlLength)
        {
            return $"must be an absolute http or https URL of at most {MaxUrlLength} characters";
        }
        if (url.Any(c => c <= ' ' || c == '\u007f'))
        {
            return "must not contain spaces or control characters";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.IdnHost.Length == 0)
        {
            return "must be an absolute http or https URL";
        }
        if (uri.UserInfo.Length > 0)
        {
            return "must not contain credentials (user:password@); send them in a custom header, which is stored encrypted";
        }
        return null;
    }

    private static Optional<T> Read<T>(JsonFields fields, string name, Func<JsonElement, T> read) =>
        fields.TryGet(name, out var value) ? Optional<T>.Of(read(value)) : Optional<T>.Unset;

    private static T? NullOr<T>(JsonElement value, Func<T?> read) where T : struct =>
        value.ValueKind == JsonValueKind.Null ? null : read();

    private static string? ReadUrl(JsonFields fields, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            fields.Fail("url", "is required: every destination other than the default one has its own URL");
            return null;
        }
        var url = fields.String("url", value);
        if (url is not null && CheckUrl(url) is { } error)
        {
            fields.Fail("url", error);
            return null;
        }
        return url;
    }

    private static string? ReadDescription(JsonFields fields, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var text = fields.String("description", value)?.Trim();
        if (text is { Length: > MaxDescriptionLength })
        {
            fields.Fail("description", $"must be at most {MaxDescriptionLength} characters");
            return null;
        }
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private static IReadOnlyList<string> ReadEventTypes(JsonFields fields, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            fields.Fail("eventTypes", "must be an array of event type patterns (\"invoice.paid\", \"invoice.*\") or null for every type");
            return [];
        }
        var patterns = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (fields.String("eventTypes", item) is not { } pattern)
            {
                return [];
            }
            patterns.Add(pattern);
        }
        if (!EventTypeFilter.TryCreate(patterns, out var filter, out var error))
        {
            fields.Fail("eventTypes", error);
            return [];
        }
        // Stored as the filter normalized them (duplicates collapsed), so what is answered is what Delivery matches.
        return filter.Patterns;
    }

    /// <summary>The filter as written, once it parses; only null clears it (an empty filter is an error, as Delivery would see it).</summary>
    private static string? ReadPayloadFilter(JsonFields fields, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null || fields.String("payloadFilter", value) is not { } source)
        {
            return null;
        }
        if (!PayloadFilterType.TryParse(source, out var filter, out var error))
        {
            fields.Fail("payloadFilter", error);
            return null;
        }
        return filter.Source;
    }

    private static IReadOnlyDictionary<string, string> ReadHeaders(JsonFields fields, JsonElement value)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return headers;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            fields.Fail("headers", "must be an object of header names and values, or null for none");
            return headers;
        }
        foreach (var header in value.EnumerateObject())
        {
            if (JsonFields.NameOf(header) is not { } name)
            {
                fields.Fail("headers", "has a header name that is not valid Unicode text");
                continue;
            }
            // A malformed name makes no field path: the error is the headers field's, quoting (the start of) the name.
            var isName = DestinationHeaders.IsName(name);
            var path = isName ? $"headers.{name}" : "headers";
            if (DestinationHeaders.CheckName(name) is { } nameError)
            {
                fields.Fail(path, isName ? nameError : $"'{(name.Length > 40 ? name[..40] + "..." : name)}' {nameError}");
                continue;
            }
            if (header.Value.ValueKind != JsonValueKind.String)
            {
                fields.Fail(path, "must be a string");
                continue;
            }
            var text = fields.String(path, header.Value);
            if (text is null)
            {
                continue;
            }
            if (DestinationHeaders.CheckValue(text) is { } valueError)
            {
                fields.Fail(path, valueError);
                continue;
            }
            if (!headers.TryAdd(name, text))
            {
                fields.Fail(path, "is given twice (header names are case-insensitive)");
            }
        }
        if (headers.Count > DestinationHeaders.MaxCount)
        {
            fields.Fail("headers", $"must have at most {DestinationHeaders.MaxCount} headers");
        }
        return headers;
    }

    private static RetryPolicyType? ReadRetryPolicy(JsonFields fields, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            fields.Fail("retryPolicy", "must be an object ({maxAttempts, scheduleMs?, jitterPercent?, maxDelayMs?}) or null for the defaults");
            return null;
        }
        var policy = fields.Nested("retryPolicy", value);
        int? maxAttempts = null;
        if (!policy.TryGet("maxAttempts", out var attempts) || attempts.ValueKind == JsonValueKind.Null)
        {
            policy.Fail("maxAttempts", "is required");
        }
        else
        {
            maxAttempts = policy.Integer("maxAttempts", attempts, 1, RetryPolicyType.MaxAttemptsLimit);
        }
        IReadOnlyList<int>? schedule = null;
        if (policy.TryGet("scheduleMs", out var delays) && delays.ValueKind != JsonValueKind.Null)
        {
            schedule = ReadSchedule(policy, delays);
        }
        var jitter = policy.TryGet("jitterPercent", out var jitterValue) && jitterValue.ValueKind != JsonValueKind.Null
            ? policy.Integer("jitterPercent", jitterValue, 0, 100)
            : 0;
        var maxDelay = policy.TryGet("maxDelayMs", out var maxDelayValue) && maxDelayValue.ValueKind != JsonValueKind.Null
            ? policy.Integer("maxDelayMs", maxDelayValue, 0, RetryPolicyType.MaxDelayLimitMs)
            : null;
        policy.RejectUnknown();
        return maxAttempts is { } max && jitter is { } percent ? new RetryPolicyType(max, schedule, percent, maxDelay) : null;
    }

    private static List<int>? ReadSchedule(JsonFields policy, JsonElement delays)
    {
        const string Message = "must be an array of at most 20 delays in milliseconds, each an integer between 0 and 86400000";
        if (delays.ValueKind != JsonValueKind.Array || delays.GetArrayLength() > RetryPolicyType.MaxScheduleLength)
        {
            policy.Fail("scheduleMs", Message);
            return null;
        }
        var schedule = new List<int>();
        foreach (var delay in delays.EnumerateArray())
        {
            if (delay.ValueKind != JsonValueKind.Number || !delay.TryGetInt32(out var ms) || ms < 0 || ms > RetryPolicyType.MaxScheduledDelayMs)
            {
                policy.Fail("scheduleMs", Message);
                return null;
            }
            schedule.Add(ms);
        }
        return schedule;
    }

    private static bool ReadPaused(JsonFields fields, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.False:
                return false;
            case JsonValueKind.True:
                return true;
            default:
                fields.Fail("paused", "must be true or false");
                return false;
        }
    }
}
