namespace Relay.Infrastructure.Providers;

/// <summary>How a date is written where a <see cref="FieldSource"/> reads the occurred-at time.</summary>
public static class DateFormats
{
    /// <summary>An ISO-8601 string (<c>2026-11-20T10:15:00Z</c>); without a zone it is UTC.</summary>
    public const string Iso8601 = "iso8601";

    /// <summary>Whole seconds since 1970-01-01T00:00:00Z, as a JSON number or a string of digits (Stripe's <c>created</c>).</summary>
    public const string UnixSeconds = "unix";

    public static IReadOnlyList<string> All { get; } = [Iso8601, UnixSeconds];
}
