namespace Relay.Infrastructure.Providers;

/// <summary>
/// Where one field of the event comes from: the first of <see cref="From"/> that holds a value of the right JSON type
/// wins (the others are fallbacks). Without one, a <see cref="Required"/> field refuses the webhook with a 400 naming
/// the first source; an optional one falls back (no id: the payload-hash idempotency key; no time: the received time;
/// no subject: none).
/// </summary>
public sealed record FieldRule(IReadOnlyList<FieldSource> From, bool Required = false)
{
    public static FieldRule None { get; } = new([]);

    public static FieldRule RequiredFrom(params FieldSource[] sources) => new(sources, Required: true);

    public static FieldRule OptionalFrom(params FieldSource[] sources) => new(sources);
}
