namespace Relay.Client;

/// <summary>How a <see cref="RelayClient"/> authenticates and how its event stream reconnects.</summary>
/// <param name="ApiKey">An API key (<c>rly_…</c>) or the configured management key, sent as <c>Authorization: Bearer</c>.</param>
public sealed record RelayClientOptions(string ApiKey)
{
    /// <summary>How many times in a row the event stream reconnects after losing its connection before it gives up.</summary>
    public int MaxStreamReconnectAttempts { get; init; } = 5;

    /// <summary>The wait before reconnecting when the server named none (neither <c>retry:</c> nor <c>Retry-After</c>).</summary>
    public TimeSpan StreamReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before a reconnection, whatever the server asks for.</summary>
    public TimeSpan MaxStreamReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The time source for <c>Retry-After</c> dates; the system clock unless a test gives another.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    // A record prints its values; this one holds a key.
    /// <inheritdoc />
    public override string ToString() => $"{nameof(RelayClientOptions)} {{ MaxStreamReconnectAttempts = {MaxStreamReconnectAttempts} }}";
}
