namespace Relay.Management.Api.Replays;

public sealed record ReplayRequestParse(ReplayRequestInput? Value, string? Message, IReadOnlyDictionary<string, string>? Errors)
{
    public static ReplayRequestParse Invalid(string message, IReadOnlyDictionary<string, string>? errors = null) => new(null, message, errors);
}
