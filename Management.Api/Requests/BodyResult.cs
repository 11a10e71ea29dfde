namespace Relay.Management.Api.Requests;

/// <summary>A parsed request body, or why it could not be parsed: a message and, per field, what is wrong with it.</summary>
public sealed record BodyResult<T>(T? Value, string? Message, IReadOnlyDictionary<string, string>? Errors) where T : class
{
    public static BodyResult<T> Valid(T value) => new(value, null, null);

    public static BodyResult<T> Invalid(string message, IReadOnlyDictionary<string, string>? errors = null) => new(null, message, errors);

    /// <summary>The value built by <paramref name="build"/>, unless a field was bad or is one the route does not read.</summary>
    public static BodyResult<T> From(JsonFields fields, string message, Func<T> build)
    {
        fields.RejectUnknown();
        return fields.IsValid ? Valid(build()) : Invalid(message, fields.Errors);
    }
}
