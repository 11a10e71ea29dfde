using Relay.Contracts;

namespace Relay.Replay.Worker.Persistence;

public enum ReplayDispatchResult
{
    /// <summary>The event was reset and <c>EventReplayed</c> written to the outbox.</summary>
    Dispatched,

    /// <summary>The request was not queued any more (a redelivered message) or does not exist: nothing to do.</summary>
    AlreadyHandled,

    /// <summary>The request's event does not exist; the request is marked failed.</summary>
    EventNotFound,
}
