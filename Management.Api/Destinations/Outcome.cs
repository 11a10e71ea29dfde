using Relay.Infrastructure.Http;

namespace Relay.Management.Api.Destinations;

/// <summary>What a destination operation answers: its result, or the error to answer instead.</summary>
public sealed record Outcome<T>(T? Value, ApiError? Error) where T : class
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(ApiError error) => new(null, error);
}
