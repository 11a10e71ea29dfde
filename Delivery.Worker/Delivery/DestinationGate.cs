using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Relay.Delivery.Worker.Delivery;

/// <summary>
/// Decides, per destination and in this worker, whether a delivery may start now: the circuit breaker (after
/// <c>CircuitBreakerFailures</c> consecutive failures nothing is sent for a cooldown that doubles up to a maximum;
/// then one probe goes, and only its success lets the rest through), the in-flight cap (so a slow or dead
/// endpoint holds at most <c>MaxInFlightPerDestination</c> of the worker's delivery slots) and the destination's
/// rate limit (a token bucket of one second's worth). A delivery that may not start is deferred, not attempted:
/// it costs no attempt and no slot. Each replica keeps its own gate.
/// </summary>
public sealed class DestinationGate(IOptions<DeliveryOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<Guid, DestinationState> states = new();

    /// <summary>Allowed (then <see cref="Exit"/> must follow), or the time to try again.</summary>
    public GateDecision TryEnter(Guid destinationId, int? rateLimitPerSecond)
    {
        var settings = options.Value;
        var now = timeProvider.GetUtcNow();
        var state = states.GetOrAdd(destinationId, _ => new DestinationState());
        lock (state)
        {
            if (state.OpenUntil is { } openUntil)
            {
                if (now < openUntil)
                {
                    return GateDecision.Defer(openUntil, "circuit open");
                }
                if (state.Probing)
                {
                    return GateDecision.Defer(now + settings.CircuitProbeWait, "circuit half-open, probe in flight");
                }
            }
            if (state.InFlight >= settings.MaxInFlightPerDestination)
            {
                return GateDecision.Defer(now + settings.CircuitProbeWait, "destination at its in-flight limit");
            }
            if (rateLimitPerSecond is { } rate and > 0)
            {
                state.Refill(now, rate);
                if (state.Tokens < 1)
                {
                    return GateDecision.Defer(now + TimeSpan.FromSeconds((1 - state.Tokens) / rate), "destination rate limit");
                }
                state.Tokens -= 1;
            }
            if (state.OpenUntil is not null)
            {
                // Cooldown over: this delivery is the probe.
                state.Probing = true;
            }
            state.InFlight++;
            return GateDecision.Allow;
        }
    }

    /// <summary>
    /// Ends what <see cref="TryEnter"/> allowed. <paramref name="succeeded"/> is null when no request was made.
    /// Returns until when the circuit is open after this outcome (null: closed).
    /// </summary>
    public DateTimeOffset? Exit(Guid destinationId, bool? succeeded)
    {
        var settings = options.Value;
        var state = states.GetOrAdd(destinationId, _ => new DestinationState());
        lock (state)
        {
            state.InFlight = Math.Max(0, state.InFlight - 1);
            if (succeeded is null)
            {
                state.Probing = false;
                return state.OpenUntil;
            }
            if (succeeded.Value)
            {
                state.ConsecutiveFailures = 0;
                state.OpenUntil = null;
                state.Probing = false;
                state.Cooldown = TimeSpan.Zero;
                return null;
            }
            state.ConsecutiveFailures++;
            if (state.Probing || (state.OpenUntil is null && state.ConsecutiveFailures >= settings.CircuitBreakerFailures))
            {
                state.Cooldown = state.Cooldown == TimeSpan.Zero
                    ? settings.CircuitOpen
                    : TimeSpan.FromTicks(Math.Min(state.Cooldown.Ticks * 2, settings.CircuitMaxOpen.Ticks));
                state.OpenUntil = timeProvider.GetUtcNow() + state.Cooldown;
                state.Probing = false;
            }
            return state.OpenUntil;
        }
    }

    private sealed class DestinationState
    {
        public int InFlight;
        public int ConsecutiveFailures;
        public DateTimeOffset? OpenUntil;
        public bool Probing;
        public TimeSpan Cooldown;
        public double Tokens = double.NaN;
        private DateTimeOffset refilledAt;

        public void Refill(DateTimeOffset now, int rate)
        {
            Tokens = double.IsNaN(Tokens) ? rate : Math.Min(rate, Tokens + (now - refilledAt).TotalSeconds * rate);
            refilledAt = now;
        }
    }
}

public readonly record struct GateDecision(bool Allowed, DateTimeOffset RetryAt, string? Reason)
{
    public static GateDecision Allow => new(true, default, null);

    public static GateDecision Defer(DateTimeOffset retryAt, string reason) => new(false, retryAt, reason);
}
