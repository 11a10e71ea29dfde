using System.Globalization;

namespace Relay.Bench;

/// <summary>
/// Command line of <c>./bench.sh</c>. With none of --rate, --max and --overload it is the default run: idle, 1,000/s,
/// max, then overload at twice what max accepted.
/// </summary>
public sealed class BenchOptions
{
    public const string Usage =
        """
        usage: ./bench.sh [--rate N] [--max] [--duration S] [options]
        environment: Relay__* and DOTNET_* reach the services; BENCH_RELAYDB_OPTIONS appends Npgsql settings to
        their connection string; BENCH_SETUP_SQL runs on the run's database once the services are up.
          --rate N               open-loop phase at N webhooks/s (default: 1000)
          --max                  closed-loop phase at maximum throughput
          --overload             open-loop phase at twice the max phase's accepted/s (runs --max first
                                 unless --overload-rate is given): what is shed (503 + Retry-After), how
                                 fast, and what the accepted webhooks and the services' memory look like
          --overload-rate N      the overload phase's rate instead (no max phase needed)
                                 (none of --rate, --max, --overload: idle 20 s, --rate 1000, --max, --overload)
          --idle S               before the load, S seconds with nothing sent: CPU and context switches of
                                 each service (default 20 in the default run, else 0)
          --prefill N            before the load, write N delivered events straight into the database
                                 (set-based SQL), so the phases run over a big database
          --duration S           length of each Relay phase in seconds (default 60)
          --concurrency C        connections of the --max phase and of the HTTP ceiling (default 128)
          --ceiling-duration S   length of each ceiling measurement (default 10, never more than --duration)
          --pg-clients N         connections of the PostgreSQL insert ceiling (default 32)
          --settle S             longest wait after a phase for every accepted webhook to arrive (default 120)
          --warmup S             unrecorded warm-up at 300/s before the phases, so the JIT has
                                 compiled the hot paths at full optimisation (default 10)
          --no-ceilings          skip the ceiling measurements (ratios are then not printed)
          --pg-sample            sample pg_stat_activity every 10 ms during the phases and report the busiest statements
          --output FILE          markdown results (default bench/results/latest.md)
        """;

    public int? Rate { get; private set; }
    public bool Max { get; private set; }
    public bool Overload { get; private set; }
    public int? OverloadRate { get; private set; }
    public int? IdleSeconds { get; private set; }
    public int PrefillEvents { get; private set; }
    public int DurationSeconds { get; private set; } = 60;
    public int Concurrency { get; private set; } = 128;
    public int CeilingDurationSeconds { get; private set; } = 10;
    public int PostgresClients { get; private set; } = 32;
    public int SettleSeconds { get; private set; } = 120;
    public int WarmupSeconds { get; private set; } = 10;
    public bool Ceilings { get; private set; } = true;
    public bool PostgresSampling { get; private set; }
    public string? Output { get; private set; }

    public bool IsDefaultRun => Rate is null && !Max && !Overload;
    public bool RunRatePhase => Rate is not null || IsDefaultRun;
    public bool RunMaxPhase => Max || IsDefaultRun || (Overload && OverloadRate is null);
    public bool RunOverloadPhase => Overload || IsDefaultRun;
    public int EffectiveIdleSeconds => IdleSeconds ?? (IsDefaultRun ? 20 : 0);
    public int EffectiveRate => Rate ?? 1000;
    public int EffectiveCeilingSeconds => Math.Max(1, Math.Min(CeilingDurationSeconds, DurationSeconds));

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Positive() => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new ArgumentException($"{args[i - 1]} needs a positive whole number");
            int NonNegative() => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new ArgumentException($"{args[i - 1]} needs a whole number");
            switch (args[i])
            {
                case "--rate": options.Rate = Positive(); break;
                case "--max": options.Max = true; break;
                case "--overload": options.Overload = true; break;
                case "--overload-rate": options.Overload = true; options.OverloadRate = Positive(); break;
                case "--idle": options.IdleSeconds = NonNegative(); break;
                case "--prefill": options.PrefillEvents = Positive(); break;
                case "--duration": options.DurationSeconds = Positive(); break;
                case "--concurrency": options.Concurrency = Positive(); break;
                case "--ceiling-duration": options.CeilingDurationSeconds = Positive(); break;
                case "--pg-clients": options.PostgresClients = Positive(); break;
                case "--settle": options.SettleSeconds = NonNegative(); break;
                case "--warmup": options.WarmupSeconds = NonNegative(); break;
                case "--no-ceilings": options.Ceilings = false; break;
                case "--pg-sample": options.PostgresSampling = true; break;
                case "--output": options.Output = Next(); break;
                case "-h" or "--help": throw new ArgumentException("");
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        // Bounded by construction: at most an hour of load per phase and 10,000 connections.
        if (options.DurationSeconds > 3600 || options.Concurrency > 10_000 || options.Rate > 100_000 || options.OverloadRate > 100_000
            || options.SettleSeconds > 3600 || options.IdleSeconds > 3600 || options.PrefillEvents > 50_000_000)
        {
            throw new ArgumentException("limits: --duration ≤ 3600, --concurrency ≤ 10000, --rate and --overload-rate ≤ 100000, --settle and --idle ≤ 3600, --prefill ≤ 50000000");
        }
        return options;
    }
}
