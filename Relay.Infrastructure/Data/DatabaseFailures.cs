using Npgsql;

namespace Relay.Infrastructure.Data;

/// <summary>Sorts database exceptions by what they mean for the request: outage, rejected data, or Relay's fault.</summary>
public static class DatabaseFailures
{
    public static DatabaseFailureKind Classify(Exception exception) => exception switch
    {
        PostgresException postgres => ClassifyPostgres(postgres),
        // No SQLSTATE: the connection could not be opened or broke, the pool was exhausted, or the server did not answer.
        NpgsqlException => DatabaseFailureKind.Outage,
        { InnerException: { } inner } => Classify(inner),
        _ => DatabaseFailureKind.None,
    };

    public static bool IsRejectedData(Exception exception) => Classify(exception) == DatabaseFailureKind.RejectedData;

    private static DatabaseFailureKind ClassifyPostgres(PostgresException postgres)
    {
        var kind = ClassifySqlState(postgres.SqlState);
        // Npgsql's own list of transient states names a few more (55006 object in use, 55000): the server's state, not the statement's.
        return kind == DatabaseFailureKind.Fault && postgres.IsTransient ? DatabaseFailureKind.Outage : kind;
    }

    /// <summary>
    /// By SQLSTATE class (PostgreSQL appendix A). An outage is a class that describes the server or the connection,
    /// not the statement: 08 connection exception, 40 transaction rollback (serialization failure, deadlock),
    /// 53 insufficient resources, 55P03 lock not available, 57 operator intervention (shutdown, cancel, timeout),
    /// 58 system error (I/O).
    /// </summary>
    public static DatabaseFailureKind ClassifySqlState(string? sqlState) => sqlState switch
    {
        null or { Length: < 2 } => DatabaseFailureKind.Fault,
        _ when sqlState.StartsWith("22", StringComparison.Ordinal) || sqlState.StartsWith("54", StringComparison.Ordinal) => DatabaseFailureKind.RejectedData,
        _ when sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("40", StringComparison.Ordinal)
            || sqlState.StartsWith("53", StringComparison.Ordinal) || sqlState.StartsWith("57", StringComparison.Ordinal)
            || sqlState.StartsWith("58", StringComparison.Ordinal) || sqlState == "55P03" => DatabaseFailureKind.Outage,
        _ => DatabaseFailureKind.Fault,
    };
}
