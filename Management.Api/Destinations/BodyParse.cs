namespace Relay.Management.Api.Destinations;

/// <summary>A parsed request body, or why it could not be parsed (field → message).</summary>
public sealed record BodyParse<T>(T? Value, string? Message, IReadOnlyDictionary<string, string>? Errors) where T : class
{
    public static BodyParse<T> Valid(T value) => new(value, null, null);

    public static BodyParse<T> Invalid(string message, IReadOnlyDictionary<string, string>? errors = null) => new(null, message, errors);
}
