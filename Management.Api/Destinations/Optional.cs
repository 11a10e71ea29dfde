namespace Relay.Management.Api.Destinations;

/// <summary>
/// A field of a PATCH body: absent (<see cref="IsSet"/> false, keep the stored value) or given, possibly as null
/// (clear it). A plain nullable cannot tell "absent" from "null".
/// </summary>
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    public static Optional<T> Unset => default;

    public static Optional<T> Of(T value) => new(true, value);
}
