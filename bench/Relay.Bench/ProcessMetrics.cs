using System.Collections.Concurrent;
using System.Globalization;

namespace Relay.Bench;

/// <summary>
/// Resident memory (VmRSS) of the services, sampled twice a second; the maximum since the last reset is what
/// the memory target is checked against.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, int> pids;
    private readonly ConcurrentDictionary<string, long> maxKb = new();
    private readonly ConcurrentDictionary<string, long> lastKb = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public MemorySampler(IReadOnlyDictionary<string, int> pids)
    {
        this.pids = pids;
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            try
            {
                do
                {
                    Sample();
                }
                while (await timer.WaitForNextTickAsync(stop.Token));
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        });
    }

    public void Reset()
    {
        maxKb.Clear();
        Sample();
    }

    /// <summary>Largest RSS of each process since the last <see cref="Reset"/>, in MiB.</summary>
    public IReadOnlyDictionary<string, double> MaxMiB() => maxKb.ToDictionary(pair => pair.Key, pair => pair.Value / 1024.0);

    public IReadOnlyDictionary<string, double> CurrentMiB() => lastKb.ToDictionary(pair => pair.Key, pair => pair.Value / 1024.0);

    private void Sample()
    {
        foreach (var (name, pid) in pids)
        {
            if (ProcFs.RssKb(pid) is { } kb)
            {
                lastKb[name] = kb;
                maxKb.AddOrUpdate(name, kb, (_, old) => Math.Max(old, kb));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}

/// <summary>
/// CPU time by component, from /proc: each Relay service, the bench itself, PostgreSQL split into the bench
/// database's backends, its own background processes and other databases' backends (other people's test runs),
/// RabbitMQ, Redis, and whatever else ran on the machine.
/// </summary>
public sealed class CpuSnapshot
{
    public const string Other = "everything else on the machine";
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux build we run on

    private CpuSnapshot(Dictionary<int, (string Group, long Ticks)> processes, long machineBusy, long machineTotal)
    {
        Processes = processes;
        MachineBusy = machineBusy;
        MachineTotal = machineTotal;
    }

    private Dictionary<int, (string Group, long Ticks)> Processes { get; }
    private long MachineBusy { get; }
    private long MachineTotal { get; }

    public static CpuSnapshot Take(IReadOnlyDictionary<string, int> named, string benchDatabase)
    {
        var byPid = named.ToDictionary(pair => pair.Value, pair => pair.Key);
        var processes = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            var group = byPid.TryGetValue(pid, out var name) ? name : Classify(pid, benchDatabase);
            if (group is not null && ProcFs.CpuTicks(pid) is { } ticks)
            {
                processes[pid] = (group, ticks);
            }
        }
        var (busy, total) = ProcFs.MachineTicks();
        return new CpuSnapshot(processes, busy, total);
    }

    /// <summary>CPU seconds per component between two snapshots, plus the machine's busy and total core-seconds.</summary>
    public static CpuUsage Between(CpuSnapshot before, CpuSnapshot after)
    {
        var seconds = new Dictionary<string, double>();
        foreach (var (pid, (group, ticks)) in after.Processes)
        {
            var startTicks = before.Processes.TryGetValue(pid, out var earlier) && earlier.Group == group ? earlier.Ticks : 0;
            seconds[group] = seconds.GetValueOrDefault(group) + (ticks - startTicks) / TicksPerSecond;
        }
        var busy = (after.MachineBusy - before.MachineBusy) / TicksPerSecond;
        seconds[Other] = Math.Max(0, busy - seconds.Values.Sum());
        return new CpuUsage(seconds, busy, (after.MachineTotal - before.MachineTotal) / TicksPerSecond);
    }

    private static string? Classify(int pid, string benchDatabase)
    {
        var comm = ProcFs.Comm(pid);
        switch (comm)
        {
            case "postgres":
                var commandLine = ProcFs.CommandLine(pid);
                if (commandLine.Contains($" {benchDatabase}", StringComparison.Ordinal))
                {
                    return "PostgreSQL: bench database";
                }
                // Backends are titled "postgres: user database host(port) state"; the rest are the server's own processes.
                return commandLine.StartsWith("postgres: ", StringComparison.Ordinal) && commandLine.Contains('(')
                    ? "PostgreSQL: other databases"
                    : "PostgreSQL: server (WAL, checkpoints)";
            case "beam.smp" or "erl_child_setup" or "epmd" or "inet_gethost":
                return "RabbitMQ";
            case "redis-server":
                return "Redis";
            default:
                return null;
        }
    }
}

public sealed record CpuUsage(IReadOnlyDictionary<string, double> Seconds, double MachineBusySeconds, double MachineTotalSeconds);

internal static class ProcFs
{
    public static long? RssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // The process is gone.
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to read.
        }
        return null;
    }

    /// <summary>utime + stime in clock ticks.</summary>
    public static long? CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may contain spaces and parentheses; the fields after its closing one do not.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static string Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Busy and total clock ticks of all cores, from the first line of /proc/stat.</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(value => long.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
        var total = fields.Take(8).Sum();
        var idle = fields[3] + fields[4];
        return (total - idle, total);
    }

    /// <summary>
    /// Context switches of each live thread of the process, by thread id. Compare two of them with
    /// <see cref="SwitchesSince"/>: a sum over threads goes down when a thread ends, so totals cannot be subtracted.
    /// </summary>
    public static IReadOnlyDictionary<int, long> ContextSwitches(int pid)
    {
        var byThread = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                long switches = 0;
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            switches += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                        }
                    }
                }
                catch (IOException)
                {
                    continue; // the thread ended meanwhile
                }
                byThread[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = switches;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The process is gone.
        }
        return byThread;
    }

    /// <summary>Switches made between the two readings by the threads alive at the second (a thread that ended meanwhile is not counted).</summary>
    public static long SwitchesSince(IReadOnlyDictionary<int, long> before, IReadOnlyDictionary<int, long> after) =>
        after.Sum(thread => thread.Value - before.GetValueOrDefault(thread.Key));

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Aggregate((a, b) => $"{a} {b}");
}
