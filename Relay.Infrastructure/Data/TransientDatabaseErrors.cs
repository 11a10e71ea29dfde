using Npgsql;

namespace Relay.Infrastructure.Data;

/// <summary>Which database failures are worth retrying, and which mean the pooled connections are dead.</summary>
public static class TransientDatabaseErrors
{
    /// <summary>
    /// The server is away or restarting: the same statement may succeed shortly. Timeouts are not: an exhausted
    /// connection pool or a server too slow to answer is overload, which waiting requests would only deepen. Nor is a
    /// value PostgreSQL refused (class 22 or 54): the same statement fails the same way however often it runs.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        _ when DatabaseFailures.IsRejectedData(exception) => false,
        PostgresException postgres => postgres.IsTransient || KilledConnection(postgres.SqlState),
        NpgsqlException { InnerException: TimeoutException } => false,
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    /// <summary>
    /// The connection was killed under us (the server shut down or restarted, class 57P and 08, or the socket broke).
    /// Every other idle connection in the pool died the same way, so the pool is cleared rather than each one
    /// failing one more request.
    /// </summary>
    public static bool BrokeTheConnection(Exception exception) => exception switch
    {
        PostgresException postgres => KilledConnection(postgres.SqlState),
        NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException or EndOfStreamException } => true,
        _ => false,
    };

    private static bool KilledConnection(string sqlState) =>
        sqlState.StartsWith("57P", StringComparison.Ordinal) || sqlState.StartsWith("08", StringComparison.Ordinal);
}
