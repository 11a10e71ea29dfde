namespace Relay.Ingress.Api.Ingestion;

/// <summary>At most a number of takes per clock second, counted in this process.</summary>
public sealed class PerSecondAllowance(int perSecond, TimeProvider timeProvider)
{
    private readonly Lock gate = new();
    private long second = long.MinValue;
    private int taken;

    public bool TryTake()
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        lock (gate)
        {
            if (now != second)
            {
                second = now;
                taken = 0;
            }
            if (taken >= perSecond)
            {
                return false;
            }
            taken++;
            return true;
        }
    }
}
