using Npgsql;
using Relay.Infrastructure.Data;

namespace Relay.UnitTests.Data;

public sealed class DatabaseFailuresTests
{
    private static PostgresException Postgres(string sqlState) => new("message", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("22P05")] // unsupported Unicode escape sequence (\u0000 in jsonb)
    [InlineData("22P02")] // invalid text representation (an unpaired surrogate in jsonb)
    [InlineData("22003")] // numeric value out of range (1e1000000 in jsonb)
    [InlineData("22021")] // character not in repertoire (NUL in text)
    [InlineData("22008")] // datetime field overflow
    [InlineData("22001")] // string data right truncation
    [InlineData("54000")] // program limit exceeded (index row size)
    [InlineData("54001")] // statement too complex
    public void Data_exceptions_and_program_limits_are_the_callers_data(string sqlState)
    {
        Assert.Equal(DatabaseFailureKind.RejectedData, DatabaseFailures.Classify(Postgres(sqlState)));
        Assert.True(DatabaseFailures.IsRejectedData(Postgres(sqlState)));
        Assert.False(TransientDatabaseErrors.IsTransient(Postgres(sqlState)));
    }

    [Theory]
    [InlineData("57P01")] // admin shutdown
    [InlineData("57P03")] // cannot connect now
    [InlineData("57014")] // query canceled (statement timeout)
    [InlineData("08006")] // connection failure
    [InlineData("08001")]
    [InlineData("53300")] // too many connections
    [InlineData("53200")] // out of memory
    [InlineData("58030")] // I/O error
    [InlineData("40001")] // serialization failure
    [InlineData("40P01")] // deadlock
    [InlineData("55P03")] // lock not available
    [InlineData("55006")] // object in use (Npgsql counts it transient)
    public void Server_and_connection_states_are_outages(string sqlState)
    {
        Assert.Equal(DatabaseFailureKind.Outage, DatabaseFailures.Classify(Postgres(sqlState)));
    }

    [Theory]
    [InlineData("23505")] // unique violation that escaped ON CONFLICT
    [InlineData("23503")] // foreign key violation
    [InlineData("42P01")] // undefined table
    [InlineData("42601")] // syntax error
    [InlineData("XX000")] // internal error
    public void Everything_else_postgresql_reports_is_a_fault(string sqlState)
    {
        Assert.Equal(DatabaseFailureKind.Fault, DatabaseFailures.Classify(Postgres(sqlState)));
    }

    [Fact]
    public void Errors_without_a_sqlstate_are_outages_and_wrapped_ones_are_found()
    {
        Assert.Equal(DatabaseFailureKind.Outage, DatabaseFailures.Classify(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException())));
        Assert.Equal(DatabaseFailureKind.Outage, DatabaseFailures.Classify(new NpgsqlException("Timeout", new TimeoutException())));
        Assert.Equal(DatabaseFailureKind.RejectedData, DatabaseFailures.Classify(new InvalidOperationException("wrapped", Postgres("22P05"))));
        Assert.Equal(DatabaseFailureKind.None, DatabaseFailures.Classify(new InvalidOperationException("not the database")));
    }
}
