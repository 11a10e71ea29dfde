using System.Text;
using Relay.Management.Api.Data;
using Relay.Management.Api.Destinations;

namespace Relay.UnitTests.Management;

public sealed class DestinationSettingsTests
{
    private static DestinationInput Patch(string body) => DestinationInput.ParsePatch(Encoding.UTF8.GetBytes(body)).Value!;

    private static readonly DestinationSettings Stored = DestinationSettings.Defaults with
    {
        Url = "http://h/a",
        Description = "d",
        EventTypes = ["invoice.*"],
        Headers = """{"X-A":"v1:cipher"}""",
        TimeoutSeconds = 5,
        MaxAttempts = 3,
        RetryScheduleMs = [100],
        RateLimitPerSecond = 7,
    };

    [Fact]
    public void Applies_the_given_fields_and_names_those_that_changed()
    {
        var changed = new List<string>();

        var next = Stored.Apply(Patch("""{"url":"http://h/b","description":"d","eventTypes":["invoice.*"],"timeoutSeconds":null,"retryPolicy":{"maxAttempts":3,"scheduleMs":[100]}}"""), changed);

        Assert.Equal(["url", "timeoutSeconds"], changed);
        Assert.Equal("http://h/b", next.Url);
        Assert.Null(next.TimeoutSeconds);
        Assert.Equal(3, next.MaxAttempts);
        Assert.Equal(7, next.RateLimitPerSecond);
        Assert.Equal(Stored.Headers, next.Headers);
    }

    [Fact]
    public void Clearing_the_retry_policy_restores_the_defaults()
    {
        var changed = new List<string>();
        var next = Stored.Apply(Patch("""{"retryPolicy":null}"""), changed);

        Assert.Equal(["retryPolicy"], changed);
        Assert.Null(next.RetryPolicy);
        Assert.Null(next.RetryScheduleMs);
        Assert.Equal(0, next.RetryJitterPercent);
    }

    [Fact]
    public void A_schedule_given_differs_from_none()
    {
        var changed = new List<string>();
        Stored.Apply(Patch("""{"retryPolicy":{"maxAttempts":3}}"""), changed);
        Assert.Equal(["retryPolicy"], changed);
    }

    [Fact]
    public void Headers_given_always_count_as_changed_and_are_stored_as_json()
    {
        var changed = new List<string>();
        var next = Stored.Apply(Patch("""{"headers":{"X-B":"v1:other"}}"""), changed);
        Assert.Equal(["headers"], changed);
        Assert.Equal("""{"X-B":"v1:other"}""", next.Headers);

        Assert.Equal("{}", Stored.Apply(Patch("""{"headers":null}"""), []).Headers);
    }

    [Fact]
    public void Nothing_given_nothing_changed()
    {
        var changed = new List<string>();
        Assert.Equal(Stored, Stored.Apply(Patch("{}"), changed));
        Assert.Empty(changed);
    }

    [Theory]
    [InlineData(false, null, null, "enabled")]
    [InlineData(true, null, null, "paused")]
    [InlineData(false, 10, null, "disabled")]
    [InlineData(false, 10, 5, "disabled")]
    [InlineData(false, 10, 10, "enabled")]
    [InlineData(false, 10, 20, "enabled")]
    [InlineData(true, 10, null, "paused")]
    public void Status_is_paused_then_disabled_unless_resumed_since_then_enabled(bool paused, int? disabledMinute, int? resumedMinute, string expected)
    {
        var t0 = new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);
        DateTime? At(int? minute) => minute is null ? null : t0.AddMinutes(minute.Value);

        Assert.Equal(expected, DestinationStatus.Of(paused, At(disabledMinute), At(resumedMinute)));
    }
}
