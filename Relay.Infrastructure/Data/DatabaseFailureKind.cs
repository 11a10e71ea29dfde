namespace Relay.Infrastructure.Data;

/// <summary>What a database failure says about the request that met it, and so how it is answered.</summary>
public enum DatabaseFailureKind
{
    /// <summary>Not a database failure at all.</summary>
    None,

    /// <summary>PostgreSQL is away, restarting, overloaded or out of resources: 503, and safe to try again later.</summary>
    Outage,

    /// <summary>
    /// PostgreSQL refused a value the request carried (SQLSTATE class 22, data exception, or 54, program limit
    /// exceeded): the same request fails the same way every time, so it is the caller's 400, never retried.
    /// </summary>
    RejectedData,

    /// <summary>Anything else PostgreSQL reported (a constraint, a statement Relay got wrong): Relay's own fault, 500.</summary>
    Fault,
}
