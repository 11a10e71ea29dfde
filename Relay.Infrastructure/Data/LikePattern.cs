namespace Relay.Infrastructure.Data;

public static class LikePattern
{
    /// <summary>A LIKE pattern matching <paramref name="text"/> anywhere, its own wildcards taken literally (ESCAPE '\').</summary>
    public static string Contains(string text) =>
        "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
}
