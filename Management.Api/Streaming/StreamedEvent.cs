using Relay.Management.Api.Data;

namespace Relay.Management.Api.Streaming;

/// <summary>An event as a live tail sends it, with its position in the stream.</summary>
public sealed record StreamedEvent(EventStreamPosition Position, EventView Event);
