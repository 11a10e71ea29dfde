using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Npgsql;
using StackExchange.Redis;

namespace Relay.Bench;

/// <summary>
/// The five Relay services as real processes from their Release output, wired as <c>./run.sh</c> wires them, on
/// free loopback ports, over a database, a RabbitMQ virtual host and a Redis key prefix of the run's own (created
/// here, removed on dispose), with the seeded integrations delivering to the bench's sink.
/// </summary>
public sealed partial class BenchCluster : IAsyncDisposable
{
    public static readonly string[] ServiceNames = ["Ingress.Api", "Management.Api", "Delivery.Worker", "Replay.Worker", "Gateway"];
    public const string AcmeSecret = "acme-demo-secret";

    private readonly List<(string Name, Process Process, int Port)> services = [];
    private readonly string root;
    private readonly string logDirectory;
    private bool databaseCreated;
    private bool virtualHostCreated;

    private BenchCluster(string root, string runId, string logDirectory)
    {
        this.root = root;
        this.logDirectory = logDirectory;
        Name = $"relay-bench-{runId}";
    }

    public string Name { get; }
    public string DatabaseName => Name.Replace('-', '_');
    public string VirtualHost => Name;
    public string RedisKeyPrefix => Name + ":";
    public Uri GatewayAddress { get; private set; } = null!;

    public static string PostgresAdmin => Environment.GetEnvironmentVariable("RELAY_POSTGRES_ADMIN")
        ?? "Host=127.0.0.1;Port=55432;Username=relay;Password=relay;Database=postgres";
    public static string Redis => Environment.GetEnvironmentVariable("ConnectionStrings__redis") ?? "127.0.0.1:56379";
    public static string RabbitMq => (Environment.GetEnvironmentVariable("ConnectionStrings__rabbitmq") ?? "amqp://relay:relay@127.0.0.1:55672/").TrimEnd('/');
    public static Uri RabbitMqManagement => new(Environment.GetEnvironmentVariable("RELAY_RABBITMQ_MANAGEMENT_URL") ?? "http://127.0.0.1:55673");

    public string DatabaseConnectionString => new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = DatabaseName }.ConnectionString;

    public IReadOnlyDictionary<string, int> ProcessIds => services.ToDictionary(s => s.Name, s => s.Process.Id);

    public static BenchCluster Create(string root, string runId, string logDirectory) => new(root, runId, logDirectory);

    public async Task StartAsync(Uri sinkBaseAddress, Action<string> log, CancellationToken cancellationToken)
    {
        foreach (var name in ServiceNames)
        {
            var dll = DllOf(name);
            if (!File.Exists(dll))
            {
                throw new InvalidOperationException($"{name} is not built ({dll}); ./bench.sh builds it (dotnet build -c Release).");
            }
        }

        await using (var connection = new NpgsqlConnection(PostgresAdmin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            databaseCreated = true;
        }
        using (var management = ManagementClient())
        {
            var vhost = Uri.EscapeDataString(VirtualHost);
            (await management.PutAsync($"/api/vhosts/{vhost}", null, cancellationToken)).EnsureSuccessStatusCode();
            virtualHostCreated = true;
            var user = Uri.UnescapeDataString(new Uri(RabbitMq).UserInfo.Split(':')[0]);
            (await management.PutAsync($"/api/permissions/{vhost}/{user}",
                new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"), cancellationToken)).EnsureSuccessStatusCode();
        }

        var ports = ServiceNames.ToDictionary(name => name, _ => FreePort());
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__relaydb"] = DatabaseConnectionString,
            ["ConnectionStrings__redis"] = Redis,
            ["ConnectionStrings__rabbitmq"] = $"{RabbitMq}/{Uri.EscapeDataString(VirtualHost)}",
            ["Relay__Redis__KeyPrefix"] = RedisKeyPrefix,
            ["Relay__ManagementApiKey"] = "bench-management-key-" + Name,
            // The seeded integrations' callback URLs: {base}/api/v1/internal/delivery-sink/{provider}, i.e. the bench's sink.
            ["Relay__Seed__CallbackBaseUrl"] = sinkBaseAddress.ToString().TrimEnd('/'),
            // One source address sends everything; the per-IP limit must not be what is measured.
            ["Relay__RateLimit__PermitsPerMinute"] = "1000000000",
            // The sink is on loopback, which the outbound (SSRF) allow-list refuses unless told.
            ["Relay__Outbound__AllowedHosts__0"] = "127.0.0.1",
            ["ReverseProxy__Clusters__ingress__Destinations__d1__Address"] = $"http://127.0.0.1:{ports["Ingress.Api"]}",
            ["ReverseProxy__Clusters__management__Destinations__d1__Address"] = $"http://127.0.0.1:{ports["Management.Api"]}",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };
        // Any Relay__* setting in the caller's environment wins, so a run can try a setting without a rebuild.
        foreach (var (key, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(e => ((string)e.Key, (string?)e.Value ?? ""))
                     .Where(e => e.Item1.StartsWith("Relay__", StringComparison.Ordinal) || e.Item1.StartsWith("DOTNET_", StringComparison.Ordinal)))
        {
            environment[key] = value;
        }

        Directory.CreateDirectory(logDirectory);
        // Ingress applies the migrations and seeds the integrations before the others start.
        Start("Ingress.Api", ports["Ingress.Api"], environment);
        await WaitHealthyAsync("Ingress.Api", new Uri($"http://127.0.0.1:{ports["Ingress.Api"]}/health"), cancellationToken);
        foreach (var name in ServiceNames.Where(n => n != "Ingress.Api"))
        {
            Start(name, ports[name], environment);
        }
        foreach (var name in ServiceNames.Where(n => n != "Ingress.Api"))
        {
            await WaitHealthyAsync(name, new Uri($"http://127.0.0.1:{ports[name]}/health"), cancellationToken);
        }
        GatewayAddress = new Uri($"http://127.0.0.1:{ports["Gateway"]}");
        await WaitHealthyAsync("Gateway", new Uri(GatewayAddress, "/api/v1/health"), cancellationToken);
        log($"services up: {string.Join(", ", services.Select(s => $"{s.Name} pid {s.Process.Id} :{s.Port}"))}");
    }

    private string DllOf(string name) => Path.Combine(root, name, "bin", "Release", "net10.0", name + ".dll");

    public string LogOf(string name) => Path.Combine(logDirectory, name + ".log");

    private void Start(string name, int port, IReadOnlyDictionary<string, string> environment)
    {
        var dll = DllOf(name);
        // exec: the pid we hold is the service's own, so its memory and CPU are what we sample.
        var startInfo = new ProcessStartInfo("/bin/sh", ["-c", "exec dotnet \"$0\" --urls \"$1\" >>\"$2\" 2>&1", dll, $"http://127.0.0.1:{port}", LogOf(name)])
        {
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }
        // Named connections, so pg_stat_activity (and --pg-sample) tell the services apart. BENCH_RELAYDB_OPTIONS
        // (e.g. "Max Auto Prepare=0") appends Npgsql settings, to compare pool settings without a rebuild.
        var database = new NpgsqlConnectionStringBuilder(environment["ConnectionStrings__relaydb"]) { ApplicationName = name }.ConnectionString;
        var extra = Environment.GetEnvironmentVariable("BENCH_RELAYDB_OPTIONS");
        startInfo.Environment["ConnectionStrings__relaydb"] = string.IsNullOrWhiteSpace(extra) ? database : $"{database};{extra.Trim(';', ' ')}";
        services.Add((name, Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {name}"), port));
    }

    private async Task WaitHealthyAsync(string name, Uri url, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var process = services.First(s => s.Name == name).Process;
        var deadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
        var last = "";
        while (Stopwatch.GetTimestamp() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode}; see {LogOf(name)}:\n{Tail(LogOf(name))}");
            }
            try
            {
                using var response = await client.GetAsync(url, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = exception.Message;
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new TimeoutException($"{name} not healthy after 120 s (last: {last}); see {LogOf(name)}:\n{Tail(LogOf(name))}");
    }

    /// <summary>Warnings and errors each service logged (the run's settings log Warning and above), with the most frequent message.</summary>
    public IReadOnlyList<string> LoggedProblems()
    {
        var problems = new List<string>();
        foreach (var (name, _, _) in services)
        {
            try
            {
                var lines = File.ReadLines(LogOf(name)).ToList();
                var count = lines.Count(line => line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal));
                if (count == 0)
                {
                    continue;
                }
                // The simple console formatter puts the message on the line after "warn: Category[id]".
                var top = lines.Zip(lines.Skip(1))
                    .Where(pair => pair.First.StartsWith("warn:", StringComparison.Ordinal) || pair.First.StartsWith("fail:", StringComparison.Ordinal) || pair.First.StartsWith("crit:", StringComparison.Ordinal))
                    .GroupBy(pair => pair.Second.Trim()).OrderByDescending(group => group.Count()).First();
                problems.Add($"{name}: {count:N0} warnings/errors, most often ×{top.Count():N0} \"{(top.Key.Length > 160 ? top.Key[..160] + "…" : top.Key)}\"");
            }
            catch (IOException)
            {
                // No log, nothing to report.
            }
        }
        return problems;
    }

    public IEnumerable<string> ExitedServices() => services.Where(s => s.Process.HasExited).Select(s => $"{s.Name} (exit {s.Process.ExitCode})");

    /// <summary>Events by status, and outbox rows not yet sent.</summary>
    public async Task<DatabaseBacklog> ReadBacklogAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(DatabaseConnectionString);
        var byStatus = new Dictionary<string, long>();
        await using (var command = dataSource.CreateCommand("SELECT status, count(*) FROM normalized_events GROUP BY status"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                byStatus[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        await using var outbox = dataSource.CreateCommand("SELECT count(*) FROM outbox_messages");
        var outboxRows = (long)(await outbox.ExecuteScalarAsync(cancellationToken) ?? 0L);
        return new DatabaseBacklog(byStatus, outboxRows, await ReadQueueDepthAsync(cancellationToken));
    }

    /// <summary>Messages waiting in each non-empty queue of the run's vhost; null when the management API did not answer.</summary>
    private async Task<IReadOnlyDictionary<string, long>?> ReadQueueDepthAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var management = ManagementClient();
            using var document = JsonDocument.Parse(await management.GetStringAsync(
                $"/api/queues/{Uri.EscapeDataString(VirtualHost)}?columns=name,messages", cancellationToken));
            return document.RootElement.EnumerateArray()
                .Select(queue => (Name: queue.GetProperty("name").GetString() ?? "?",
                    Messages: queue.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt64() : 0))
                .Where(queue => queue.Messages > 0)
                .ToDictionary(queue => queue.Name, queue => queue.Messages);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The bench database's cumulative counters (pg_stat_database): commits, rollbacks and rows written.</summary>
    public async Task<DatabaseCounters> ReadCountersAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(DatabaseConnectionString);
        // The statistics snapshot is per transaction; clear it so a second read in this session sees new numbers.
        await using var command = dataSource.CreateCommand(
            """
            SELECT pg_stat_clear_snapshot(), d.xact_commit, d.xact_rollback, d.tup_inserted, d.tup_updated, d.tup_deleted, d.blks_hit + d.blks_read,
                   w.wal_sync, w.wal_bytes::bigint
            FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = current_database()
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseCounters(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8));
    }

    /// <summary>PostgreSQL settings that decide durability, for the report.</summary>
    public async Task<string> ReadDurabilityAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(DatabaseConnectionString);
        var parts = new List<string>();
        foreach (var setting in new[] { "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "server_version" })
        {
            await using var command = dataSource.CreateCommand($"SHOW {setting}");
            parts.Add($"{setting}={await command.ExecuteScalarAsync(cancellationToken)}");
        }
        return string.Join(", ", parts);
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM first: the services drain in-flight work; whatever is still alive after 15 s is killed.
        foreach (var (_, process, _) in services.Where(s => !s.Process.HasExited))
        {
            _ = Kill(process.Id, 15); // SIGTERM
        }
        var deadline = Stopwatch.GetTimestamp() + 15 * Stopwatch.Frequency;
        while (services.Any(s => !s.Process.HasExited) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100);
        }
        foreach (var (_, process, _) in services.Where(s => !s.Process.HasExited))
        {
            process.Kill();
        }
        foreach (var (_, process, _) in services)
        {
            await process.WaitForExitAsync();
            process.Dispose();
        }

        try
        {
            if (virtualHostCreated)
            {
                using var management = ManagementClient();
                await management.DeleteAsync($"/api/vhosts/{Uri.EscapeDataString(VirtualHost)}");
            }
            if (databaseCreated)
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(PostgresAdmin);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
            await DeleteRedisKeysAsync(RedisKeyPrefix);
        }
        catch (Exception exception)
        {
            Console.Error.WriteLine($"[bench] cleanup of {Name} incomplete: {exception.Message}");
        }
    }

    /// <summary>Deletes the run's idempotency and rate-limit keys (they would otherwise live for a day) in one script call.</summary>
    private static async Task DeleteRedisKeysAsync(string prefix)
    {
        const string script =
            "local cursor = '0' local deleted = 0 repeat local reply = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 5000) " +
            "cursor = reply[1] for _, key in ipairs(reply[2]) do redis.call('UNLINK', key) deleted = deleted + 1 end until cursor == '0' return deleted";
        var options = ConfigurationOptions.Parse(Redis);
        options.AsyncTimeout = 30_000; // one script call over all of the run's keys
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        await redis.GetDatabase().ScriptEvaluateAsync(script, values: [prefix.Replace("*", "\\*", StringComparison.Ordinal) + "*"]);
    }

    private static HttpClient ManagementClient()
    {
        var client = new HttpClient { BaseAddress = RabbitMqManagement, Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(new Uri(RabbitMq).UserInfo))));
        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Tail(string path)
    {
        try
        {
            return string.Join('\n', File.ReadLines(path).TakeLast(30));
        }
        catch (IOException)
        {
            return "";
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>Counters of the run's database, plus the server-wide WAL syncs and bytes (pg_stat_wal has no per-database split).</summary>
public sealed record DatabaseCounters(long Commits, long Rollbacks, long Inserted, long Updated, long Deleted, long BlocksTouched, long WalSyncs, long WalBytes)
{
    public static DatabaseCounters operator -(DatabaseCounters after, DatabaseCounters before) => new(
        after.Commits - before.Commits, after.Rollbacks - before.Rollbacks, after.Inserted - before.Inserted,
        after.Updated - before.Updated, after.Deleted - before.Deleted, after.BlocksTouched - before.BlocksTouched,
        after.WalSyncs - before.WalSyncs, after.WalBytes - before.WalBytes);
}

public sealed record DatabaseBacklog(IReadOnlyDictionary<string, long> EventsByStatus, long OutboxRows, IReadOnlyDictionary<string, long>? Queues)
{
    /// <summary>Events not yet finished: pending, processing or retrying.</summary>
    public long Unfinished => EventsByStatus.Where(pair => pair.Key is "pending" or "processing" or "retrying").Sum(pair => pair.Value);

    public override string ToString() =>
        $"{string.Join(", ", EventsByStatus.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key} {pair.Value:N0}"))}; outbox {OutboxRows:N0}; RabbitMQ (management stats, ≤ 5 s old) {(Queues is null ? "?" : Queues.Count == 0 ? "empty" : string.Join(", ", Queues.Select(q => $"{q.Key} {q.Value.ToString("N0", CultureInfo.InvariantCulture)}")))}";
}
