using System.Text.Json;
using Relay.Management.Api.Destinations;

namespace Relay.Management.Api.Data;

/// <summary>
/// The columns of <c>destinations</c> an operator sets, as stored: <see cref="Headers"/> is the jsonb text
/// <c>{"Name": "v1:..."}</c> of encrypted values; a null <see cref="MaxAttempts"/> means no retry policy of its own.
/// </summary>
public sealed record DestinationSettings(
    string? Url,
    string? Description,
    string[] EventTypes,
    string? PayloadFilter,
    string Headers,
    int? TimeoutSeconds,
    int? MaxAttempts,
    int[]? RetryScheduleMs,
    int RetryJitterPercent,
    int? MaxRetryDelayMs,
    int? RateLimitPerSecond,
    bool Paused)
{
    /// <summary>A destination before any field is set: every event, no headers, the default delivery policy, enabled.</summary>
    public static readonly DestinationSettings Defaults = new(null, null, [], null, "{}", null, null, null, 0, null, null, false);

    public RetryPolicy? RetryPolicy => MaxAttempts is { } attempts ? new RetryPolicy(attempts, RetryScheduleMs, RetryJitterPercent, MaxRetryDelayMs) : null;

    /// <summary>
    /// These settings with the fields <paramref name="input"/> gives; <paramref name="changed"/> receives the name of
    /// each field whose value differs (headers count as changed whenever given: their values are re-encrypted).
    /// <paramref name="input"/>'s header values must already be encrypted.
    /// </summary>
    public DestinationSettings Apply(DestinationInput input, ICollection<string> changed)
    {
        var next = this;
        if (input.Url.IsSet && input.Url.Value != Url)
        {
            next = next with { Url = input.Url.Value };
            changed.Add("url");
        }
        if (input.Description.IsSet && input.Description.Value != Description)
        {
            next = next with { Description = input.Description.Value };
            changed.Add("description");
        }
        if (input.EventTypes.IsSet && !input.EventTypes.Value.SequenceEqual(EventTypes, StringComparer.Ordinal))
        {
            next = next with { EventTypes = [.. input.EventTypes.Value] };
            changed.Add("eventTypes");
        }
        if (input.PayloadFilter.IsSet && input.PayloadFilter.Value != PayloadFilter)
        {
            next = next with { PayloadFilter = input.PayloadFilter.Value };
            changed.Add("payloadFilter");
        }
        if (input.Headers.IsSet)
        {
            next = next with { Headers = JsonSerializer.Serialize(input.Headers.Value) };
            changed.Add("headers");
        }
        if (input.TimeoutSeconds.IsSet && input.TimeoutSeconds.Value != TimeoutSeconds)
        {
            next = next with { TimeoutSeconds = input.TimeoutSeconds.Value };
            changed.Add("timeoutSeconds");
        }
        if (input.RetryPolicy.IsSet && !SamePolicy(input.RetryPolicy.Value, RetryPolicy))
        {
            var policy = input.RetryPolicy.Value;
            next = next with
            {
                MaxAttempts = policy?.MaxAttempts,
                RetryScheduleMs = policy?.ScheduleMs?.ToArray(),
                RetryJitterPercent = policy?.JitterPercent ?? 0,
                MaxRetryDelayMs = policy?.MaxDelayMs,
            };
            changed.Add("retryPolicy");
        }
        if (input.RateLimitPerSecond.IsSet && input.RateLimitPerSecond.Value != RateLimitPerSecond)
        {
            next = next with { RateLimitPerSecond = input.RateLimitPerSecond.Value };
            changed.Add("rateLimitPerSecond");
        }
        if (input.Paused.IsSet && input.Paused.Value != Paused)
        {
            next = next with { Paused = input.Paused.Value };
            changed.Add("paused");
        }
        return next;
    }

    private static bool SamePolicy(RetryPolicy? a, RetryPolicy? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.MaxAttempts == b.MaxAttempts && a.JitterPercent == b.JitterPercent && a.MaxDelayMs == b.MaxDelayMs
              && (a.ScheduleMs ?? []).SequenceEqual(b.ScheduleMs ?? []) && (a.ScheduleMs is null) == (b.ScheduleMs is null);
}
