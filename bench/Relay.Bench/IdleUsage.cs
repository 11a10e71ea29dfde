using System.Diagnostics;

namespace Relay.Bench;

/// <summary>
/// What the services cost while nothing is sent (<c>--idle S</c>): CPU as a percentage of one core (utime + stime from
/// /proc/&lt;pid&gt;/stat) and context switches per second (every thread's voluntary + nonvoluntary switches).
/// </summary>
public sealed record IdleUsage(double Seconds, IReadOnlyDictionary<string, IdleUsage.Cost> Services)
{
    public const double TargetPercentOfCore = 2;
    private const double TicksPerSecond = 100; // USER_HZ

    public sealed record Cost(double CpuPercentOfCore, double SwitchesPerSecond);

    public double TotalCpuPercentOfCore => Services.Values.Sum(cost => cost.CpuPercentOfCore);
    public double TotalSwitchesPerSecond => Services.Values.Sum(cost => cost.SwitchesPerSecond);

    public static async Task<IdleUsage> MeasureAsync(IReadOnlyDictionary<string, int> pids, TimeSpan duration, CancellationToken cancellationToken)
    {
        var before = pids.ToDictionary(pair => pair.Key, pair => (Cpu: ProcFs.CpuTicks(pair.Value) ?? 0, Switches: ProcFs.ContextSwitches(pair.Value)));
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(duration, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var services = pids.ToDictionary(pair => pair.Key, pair =>
        {
            var cpu = (ProcFs.CpuTicks(pair.Value) ?? 0) - before[pair.Key].Cpu;
            var switches = ProcFs.SwitchesSince(before[pair.Key].Switches, ProcFs.ContextSwitches(pair.Value));
            return new Cost(100 * cpu / TicksPerSecond / seconds, switches / seconds);
        });
        return new IdleUsage(seconds, services);
    }
}
