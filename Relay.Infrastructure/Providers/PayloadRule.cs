namespace Relay.Infrastructure.Providers;

/// <summary>
/// What of the body the event carries: the object at <see cref="Pointer"/> (<c>""</c>, the whole body, or e.g.
/// <c>/data</c>), placed in the normalized payload under <see cref="As"/> beside <c>provider</c>, <c>eventType</c> and
/// <c>externalEventId</c>. A body without an object there is refused with a 400.
/// </summary>
public sealed record PayloadRule(string Pointer = "", string As = "data")
{
    public static PayloadRule WholeBody { get; } = new();
}
