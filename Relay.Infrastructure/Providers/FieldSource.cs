using System.Text.Json.Serialization;

namespace Relay.Infrastructure.Providers;

/// <summary>
/// Where a value of the webhook is read: a JSON pointer into the body (RFC 6901, e.g. <c>/data/id</c>) or a request
/// header; exactly one of the two. <see cref="Format"/> says how a date is written (<see cref="DateFormats"/>) and is
/// given for the occurred-at time's sources only.
/// </summary>
public sealed record FieldSource(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pointer = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Header = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Format = null)
{
    public static FieldSource AtPointer(string pointer, string? format = null) => new(Pointer: pointer, Format: format);

    public static FieldSource InHeader(string header, string? format = null) => new(Header: header, Format: format);
}
