using Npgsql;

namespace Relay.Bench;

/// <summary>
/// A sampling profile of PostgreSQL (<c>--pg-sample</c>): every 10 ms, which statements of the bench database are
/// active and what they wait on (CPU when nothing). pg_stat_statements needs a server restart to load; this
/// needs nothing, and shows where the database time goes by service (each service connects with its name as
/// application_name).
/// </summary>
public sealed class PostgresActivitySampler : IAsyncDisposable
{
    private readonly Dictionary<(string Service, string Wait, string Query), int> counts = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int samples;

    public PostgresActivitySampler(string connectionString, string database)
    {
        loop = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(stop.Token);
            await using var command = new NpgsqlCommand(
                """
                SELECT coalesce(application_name, ''), coalesce(wait_event_type || ':' || wait_event, 'CPU'),
                       left(regexp_replace(query, '\s+', ' ', 'g'), 110)
                FROM pg_stat_activity
                WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()
                """, connection);
            command.Parameters.AddWithValue(database);
            await command.PrepareAsync(stop.Token);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    await using var reader = await command.ExecuteReaderAsync(stop.Token);
                    lock (counts)
                    {
                        samples++;
                    }
                    while (await reader.ReadAsync(stop.Token))
                    {
                        var key = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                        lock (counts)
                        {
                            counts[key] = counts.GetValueOrDefault(key) + 1;
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        });
    }

    /// <summary>Top entries: average number of backends busy with that statement (1.0 = one backend all the time).</summary>
    public IReadOnlyList<(string Service, string Wait, string Query, double Busy)> Top(int count)
    {
        lock (counts)
        {
            var total = Math.Max(1, samples);
            return counts.OrderByDescending(pair => pair.Value).Take(count)
                .Select(pair => (pair.Key.Service, pair.Key.Wait, pair.Key.Query, pair.Value / (double)total)).ToList();
        }
    }

    public void Reset()
    {
        lock (counts)
        {
            counts.Clear();
            samples = 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException)
        {
            // Sampling is best effort.
        }
        stop.Dispose();
    }
}
