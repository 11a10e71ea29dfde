using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Relay.Bench;

/// <summary>
/// The machine's durable-write ceiling: N connections, each committing single-row INSERTs (one implicit
/// transaction each, prepared statement, fsync and synchronous_commit as the server has them) into a scratch
/// table of the bench database, for a fixed time.
/// </summary>
public static class PostgresCeiling
{
    public sealed record Result(int Clients, double Seconds, long Inserts, double PerSecond, LatencySummary Latency);

    public static async Task<Result> RunAsync(string connectionString, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = clients + 2, Pooling = true };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var setup = dataSource.CreateCommand(
            "CREATE TABLE IF NOT EXISTS bench_insert_ceiling (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"))
        {
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        var payload = new string('x', 400);
        var latencies = new List<long>[clients];
        var startGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long end = 0;
        var ready = 0;
        var workers = Enumerable.Range(0, clients).Select(async client =>
        {
            var own = latencies[client] = new List<long>(50_000);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var insert = new NpgsqlCommand("INSERT INTO bench_insert_ceiling (payload) VALUES ($1)", connection);
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = payload });
            await insert.PrepareAsync(cancellationToken);
            Interlocked.Increment(ref ready);
            await startGate.Task;
            while (!cancellationToken.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                if (before >= Volatile.Read(ref end))
                {
                    break;
                }
                await insert.ExecuteNonQueryAsync(cancellationToken);
                own.Add(Stopwatch.GetTimestamp() - before);
            }
        }).ToArray();

        // Every connection is open and prepared before the clock starts.
        while (Volatile.Read(ref ready) < clients)
        {
            if (workers.FirstOrDefault(worker => worker.IsFaulted) is { } failed)
            {
                await failed;
            }
            await Task.Delay(20, cancellationToken);
        }
        var start = Stopwatch.GetTimestamp();
        Volatile.Write(ref end, start + (long)(duration.TotalSeconds * Stopwatch.Frequency));
        startGate.SetResult();
        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        await using (var cleanup = dataSource.CreateCommand("DROP TABLE IF EXISTS bench_insert_ceiling"))
        {
            await cleanup.ExecuteNonQueryAsync(CancellationToken.None);
        }
        var all = latencies.SelectMany(list => list).ToList();
        return new Result(clients, seconds, all.Count, all.Count / seconds, LatencySummary.From(all));
    }
}
