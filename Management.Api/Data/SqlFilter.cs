using Dapper;

namespace Relay.Management.Api.Data;

/// <summary>
/// A WHERE clause assembled from fixed SQL fragments written in the repositories; values only ever travel as
/// parameters. Only the filters a query uses appear, so PostgreSQL plans each combination with its indexes.
/// </summary>
internal sealed class SqlFilter
{
    private readonly List<string> conditions = [];

    public DynamicParameters Parameters { get; } = new();

    public SqlFilter When<T>(T? value, string condition, string parameter) where T : class
    {
        if (value is not null)
        {
            conditions.Add(condition);
            Parameters.Add(parameter, value);
        }
        return this;
    }

    public SqlFilter When<T>(T? value, string condition, string parameter) where T : struct
    {
        if (value is { } present)
        {
            conditions.Add(condition);
            Parameters.Add(parameter, present);
        }
        return this;
    }

    public string Where => conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);

    /// <summary>A LIKE pattern matching <paramref name="text"/> anywhere, its own wildcards taken literally (ESCAPE '\').</summary>
    public static string Contains(string text) =>
        "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";

    public static string Direction(Queries.SortDirection direction) => direction == Queries.SortDirection.Asc ? "ASC" : "DESC";
}

public static class JsonColumn
{
    /// <summary>
    /// Deep enough for any stored payload (ingest accepts 64 levels) plus the envelope around it; the HTTP
    /// serializer is configured with the same limit.
    /// </summary>
    public const int MaxDepth = 128;

    private static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web) { MaxDepth = MaxDepth };

    /// <summary>A jsonb column read as text, embedded in the response as JSON rather than as a string.</summary>
    public static System.Text.Json.JsonElement Parse(string text) => System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(text, Options);
}
