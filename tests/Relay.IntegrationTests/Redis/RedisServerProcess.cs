using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Relay.IntegrationTests.Harness;

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

    /// <summary>Relay's <c>ConnectionStrings:redis</c> for this server, with options such as <c>password=..</c> appended.</summary>
    public string ConnectionString(string? options = null) => $"127.0.0.1:{Port}{(options is null ? "" : "," + options)}";

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

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing answers, like a hung host.</summary>
    public void Pause() => Posix.Send(RunningProcess.Id, "-STOP");

    /// <summary>Lets a paused server answer again (SIGCONT).</summary>
    public void Resume() => Posix.Send(RunningProcess.Id, "-CONT");

    public ValueTask DisposeAsync() => new(StopAsync());

    private Process RunningProcess => process ?? throw new InvalidOperationException("redis-server is not running.");

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
