using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace Relay.IntegrationTests.Harness;

/// <summary>One Relay service running as a real process (<c>dotnet Service.dll</c>), as it runs in production.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> output = new();
    private long outputBytes;
    private Process? process;

    public ServiceProcess(string name, int port, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        Port = port;
        Environment = new Dictionary<string, string>(environment);
    }

    public string Name { get; }
    public int Port { get; }
    public Dictionary<string, string> Environment { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public bool IsRunning => process is { HasExited: false };
    public int? ProcessId => process?.Id;

    /// <summary>Every byte the service has written to stdout and stderr (lines and their line feeds), for log-volume checks.</summary>
    public long OutputBytes => Interlocked.Read(ref outputBytes);

    /// <summary>Each line as the service writes it, for tests that must see more than <see cref="RecentOutput"/> keeps.</summary>
    public event Action<string>? LineWritten;

    /// <summary>The last lines the service wrote, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', output.TakeLast(80));

    public void Start()
    {
        var startInfo = new ProcessStartInfo("dotnet", [ServiceBinaries.DllOf(Name), "--urls", BaseAddress.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServiceBinaries.DllOf(Name))!,
        };
        foreach (var (key, value) in Environment)
        {
            startInfo.Environment[key] = value;
        }
        process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        Interlocked.Add(ref outputBytes, System.Text.Encoding.UTF8.GetByteCount(line) + 1);
        LineWritten?.Invoke(line);
        output.Enqueue(line);
        while (output.Count > 400)
        {
            output.TryDequeue(out _);
        }
    }

    /// <summary>Waits until <c>/health</c> answers 200, failing with the service's output if it does not in time.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, string path = "/health")
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            if (process is { HasExited: true })
            {
                // The exit can be seen before the last output lines are read; the parameterless WaitForExit is the
                // overload documented to wait until the redirected streams have been read to the end.
                process.WaitForExit();
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode}:\n{RecentOutput}");
            }
            try
            {
                using var response = await client.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or SocketException)
            {
                last = exception.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} not healthy after {timeout} (last: {last}):\n{RecentOutput}");
    }

    /// <summary>SIGKILL: the process dies mid-work, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod; waits for the process to finish its graceful shutdown.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        if (process is not { HasExited: false })
        {
            return process?.ExitCode ?? 0;
        }
        Posix.SendSigterm(process.Id);
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name} did not stop within {timeout} of SIGTERM:\n{RecentOutput}");
        }
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            try
            {
                await StopGracefullyAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                // Already killed; nothing else to do.
            }
        }
        process?.Dispose();
    }
}

internal static class Posix
{
    public static void SendSigterm(int pid) => Send(pid, "-TERM");

    /// <summary>Sends a signal such as <c>-STOP</c> or <c>-CONT</c> to a process.</summary>
    public static void Send(int pid, string signal)
    {
        using var kill = Process.Start("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}

/// <summary>Finds the services' build output next to this test assembly's (same configuration).</summary>
public static class ServiceBinaries
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string DllOf(string project)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(RepositoryRoot, project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built ({path}); build the solution first.");
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Relay.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Relay.sln not found above the test assembly.");
    }
}
