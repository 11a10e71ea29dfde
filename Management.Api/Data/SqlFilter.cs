using Dapper;
using Npgsql;
using Relay.Management.Api.Queries;

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

    /// <summary><c>column &gt;= @From</c> and <c>column &lt;= @To</c> for the ends of the range that are given.</summary>
    public SqlFilter Within(DateTimeOffset? from, DateTimeOffset? to, string column) =>
        When(from?.ToUniversalTime(), $"{column} >= @From", "From")
            .When(to?.ToUniversalTime(), $"{column} <= @To", "To");

    public string Where => conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);

    /// <summary>The conditions to append to a WHERE clause of the caller's own: <c> AND ...</c>, or nothing.</summary>
    public string AndConditions => conditions.Count == 0 ? "" : " AND " + string.Join(" AND ", conditions);

    /// <summary>
    /// One page of <paramref name="source"/> under this filter and the number of rows the filter matches, in one
    /// round trip. <paramref name="columns"/>, <paramref name="source"/> and <paramref name="orderBy"/> are SQL written
    /// in the repositories; <paramref name="orderBy"/> should end with a unique column so pages do not overlap.
    /// </summary>
    public async Task<PageOf<TRow>> ReadPageAsync<TRow>(
        NpgsqlDataSource dataSource, string columns, string source, string orderBy, Paging paging, CancellationToken cancellationToken)
    {
        Parameters.Add("Limit", paging.PageSize);
        Parameters.Add("Offset", paging.Offset);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT {columns} FROM {source} {Where}
            ORDER BY {orderBy}
            LIMIT @Limit OFFSET @Offset;
            SELECT count(*) FROM {source} {Where};
            """, Parameters, cancellationToken: cancellationToken));
        var rows = (await results.ReadAsync<TRow>()).AsList();
        var total = await results.ReadSingleAsync<long>();
        return new PageOf<TRow>(rows, total);
    }

    /// <summary>
    /// One page in keyset order: the rows after <paramref name="paging"/>'s cursor (from the start without one), ordered
    /// by <paramref name="keyColumn"/> then the unique <paramref name="idColumn"/>, both in <paramref name="direction"/>.
    /// One row more than the limit is read, to tell whether another page follows (<see cref="CursorPage{T}.From"/>).
    /// There is no count: it is what makes deep pages slow, and walking a list by cursor does not need it.
    /// </summary>
    public async Task<IReadOnlyList<TRow>> ReadAfterAsync<TRow>(
        NpgsqlDataSource dataSource, string columns, string source, string keyColumn, string idColumn, Queries.SortDirection direction,
        ListCursorPaging paging, CancellationToken cancellationToken)
    {
        if (paging.After is { } after)
        {
            // A row comparison: PostgreSQL reads it from an index on (keyColumn, ...) as a range, ties broken by id.
            conditions.Add($"({keyColumn}, {idColumn}) {(direction == Queries.SortDirection.Asc ? ">" : "<")} (@CursorKey, @CursorId)");
            Parameters.Add("CursorKey", after.Key);
            Parameters.Add("CursorId", after.Id);
        }
        Parameters.Add("Take", paging.Limit + 1);
        var order = Direction(direction);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TRow>(new CommandDefinition(
            $"""
            SELECT {columns} FROM {source} {Where}
            ORDER BY {keyColumn} {order}, {idColumn} {order}
            LIMIT @Take
            """, Parameters, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>A condition with no parameter of its own (its values added to <see cref="Parameters"/> by the caller).</summary>
    public SqlFilter Always(string condition)
    {
        conditions.Add(condition);
        return this;
    }

    /// <summary>A LIKE pattern matching <paramref name="text"/> anywhere, its own wildcards taken literally (ESCAPE '\').</summary>
    public static string Contains(string text) => Relay.Infrastructure.Data.LikePattern.Contains(text);

    public static string Direction(Queries.SortDirection direction) => direction == Queries.SortDirection.Asc ? "ASC" : "DESC";
}
