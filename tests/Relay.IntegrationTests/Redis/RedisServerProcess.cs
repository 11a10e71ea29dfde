using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Relay.Infrastructure.Redis;

namespace Relay.IntegrationTests.Redis;

/// <summary>
/// A real redis-server on a free loopback port, owned by one test fixture: no persistence, killed on dispose.
/// Stop and start again on the same port to simulate an outage or a restart.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartupLimit = TimeSpan.FromSeconds(15);
    private readonly string[] extraArguments;
    private readonly ConcurrentQueue<string> log = new();
    private Process? process;

    private RedisServerProcess(int port, string[] extraArguments)
    {
        Port = port;
        this.extraArguments = extraArguments;
    }

    public int Port { get; }

    /// <summary>
    /// Starts a server with extra arguments such as <c>--requirepass secret</c>. <c>{port}</c> in an argument is
    /// replaced by the chosen port; with <c>--tls-port {port}</c> the plain port is switched off.
    /// </summary>
    public static async Task<RedisServerProcess> StartAsync(params string[] extraArguments)
    {
        var server = new RedisServerProcess(FreeLoopbackPort(), extraArguments);
        await server.StartAgainAsync();
        return server;
    }

    public RespRedisClient CreateClient(string keyPrefix = "", string? options = null, TimeSpan? commandTimeout = null, TimeSpan? connectTimeout = null) =>
        new(
            new RedisClientOptions
            {
                ConnectionString = RedisConnectionString.Parse($"127.0.0.1:{Port}{(options is null ? "" : "," + options)}"),
                KeyPrefix = keyPrefix,
                CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(2),
                ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(2),
            },
            TimeProvider.System);

    public async Task StartAgainAsync()
    {
        if (process is { HasExited: false })
        {
            throw new InvalidOperationException("redis-server is already running.");
        }

        var startInfo = new ProcessStartInfo(FindRedisServer())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var port = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var plainPort = extraArguments.Contains("--tls-port") ? "0" : port;
        string[] fixedArguments = ["--port", plainPort, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"];
        foreach (var argument in fixedArguments.Concat(extraArguments))
        {
            startInfo.ArgumentList.Add(argument.Replace("{port}", port, StringComparison.Ordinal));
        }

        var started = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        started.OutputDataReceived += (_, line) => Remember(line.Data);
        started.ErrorDataReceived += (_, line) => Remember(line.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;

        // Ready once the port accepts connections (the server binds only after initialising).
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (started.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {started.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, log)}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (stopwatch.Elapsed < StartupLimit)
            {
                await Task.Delay(25);
            }
        }
    }

    /// <summary>Kills the server outright (no graceful shutdown), like a crash or a lost host.</summary>
    public async Task StopAsync()
    {
        var running = process;
        process = null;
        if (running is null)
        {
            return;
        }
        try
        {
            if (!running.HasExited)
            {
                running.Kill(entireProcessTree: true);
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await running.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            running.Dispose();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private void Remember(string? line)
    {
        if (line is not null && log.Count < 500)
        {
            log.Enqueue(line);
        }
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRedisServer()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("REDIS_SERVER_PATH"), "/usr/bin/redis-server", "/usr/local/bin/redis-server" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(directory => Path.Combine(directory, "redis-server")));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server was not found; install it (apt-get install -y redis-server) or set REDIS_SERVER_PATH.");
    }
}

/// <summary>One plain redis-server shared by the tests of a class; tests isolate themselves with key prefixes.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public RedisServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A redis-server that requires a password.</summary>
public sealed class PasswordRedisServerFixture : IAsyncLifetime
{
    public const string Password = "relay-test-Pa55word";

    public RedisServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServerProcess.StartAsync("--requirepass", Password);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
