using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;

namespace Relay.UnitTests.Delivery;

public sealed class DestinationGateTests
{
    private static readonly Guid Dead = Guid.NewGuid();
    private static readonly Guid Healthy = Guid.NewGuid();

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (DestinationGate Gate, ManualClock Clock) Create(int failures = 3, double openSeconds = 10, double maxOpenSeconds = 40, int maxInFlight = 2)
    {
        var clock = new ManualClock();
        var options = Options.Create(new DeliveryOptions
        {
            CircuitBreakerFailures = failures,
            CircuitBreakerOpenSeconds = openSeconds,
            CircuitBreakerMaxOpenSeconds = maxOpenSeconds,
            MaxInFlightPerDestination = maxInFlight,
        });
        return (new DestinationGate(options, clock), clock);
    }

    private static void Fail(DestinationGate gate, Guid destination, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.True(gate.TryEnter(destination, null).Allowed);
            gate.Exit(destination, succeeded: false);
        }
    }

    [Fact]
    public void The_circuit_opens_after_consecutive_failures_and_only_for_that_destination()
    {
        var (gate, clock) = Create();
        Fail(gate, Dead, 2);
        Assert.True(gate.TryEnter(Dead, null).Allowed);
        var openUntil = gate.Exit(Dead, succeeded: false);

        Assert.Equal(clock.Now.AddSeconds(10), openUntil);
        var refused = gate.TryEnter(Dead, null);
        Assert.False(refused.Allowed);
        Assert.Equal(openUntil, refused.RetryAt);
        Assert.True(gate.TryEnter(Healthy, null).Allowed);
    }

    [Fact]
    public void After_the_cooldown_one_probe_goes_and_its_failure_doubles_the_cooldown()
    {
        var (gate, clock) = Create();
        Fail(gate, Dead, 3);
        clock.Now = clock.Now.AddSeconds(10);

        Assert.True(gate.TryEnter(Dead, null).Allowed);
        Assert.False(gate.TryEnter(Dead, null).Allowed); // the probe is in flight
        Assert.Equal(clock.Now.AddSeconds(20), gate.Exit(Dead, succeeded: false));

        clock.Now = clock.Now.AddSeconds(20);
        Assert.True(gate.TryEnter(Dead, null).Allowed);
        Assert.Equal(clock.Now.AddSeconds(40), gate.Exit(Dead, succeeded: false));

        clock.Now = clock.Now.AddSeconds(40);
        Assert.True(gate.TryEnter(Dead, null).Allowed);
        Assert.Equal(clock.Now.AddSeconds(40), gate.Exit(Dead, succeeded: false)); // capped
    }

    [Fact]
    public void A_successful_probe_closes_the_circuit()
    {
        var (gate, clock) = Create();
        Fail(gate, Dead, 3);
        clock.Now = clock.Now.AddSeconds(10);
        Assert.True(gate.TryEnter(Dead, null).Allowed);
        Assert.Null(gate.Exit(Dead, succeeded: true));

        Assert.True(gate.TryEnter(Dead, null).Allowed);
        Assert.True(gate.TryEnter(Dead, null).Allowed);
    }

    [Fact]
    public void A_destination_holds_at_most_its_share_of_slots_in_flight()
    {
        var (gate, _) = Create(maxInFlight: 2);
        Assert.True(gate.TryEnter(Dead, null).Allowed);
        Assert.True(gate.TryEnter(Dead, null).Allowed);
        Assert.False(gate.TryEnter(Dead, null).Allowed);
        Assert.True(gate.TryEnter(Healthy, null).Allowed);

        gate.Exit(Dead, succeeded: null);
        Assert.True(gate.TryEnter(Dead, null).Allowed);
    }

    [Fact]
    public void The_rate_limit_allows_a_second_worth_then_defers_until_the_next_token()
    {
        var (gate, clock) = Create(maxInFlight: 100);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(gate.TryEnter(Healthy, 4).Allowed);
            gate.Exit(Healthy, succeeded: true);
        }
        var deferred = gate.TryEnter(Healthy, 4);
        Assert.False(deferred.Allowed);
        Assert.Equal(clock.Now.AddMilliseconds(250), deferred.RetryAt);

        clock.Now = clock.Now.AddMilliseconds(250);
        Assert.True(gate.TryEnter(Healthy, 4).Allowed);
    }
}
