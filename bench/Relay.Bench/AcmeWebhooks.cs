using System.Security.Cryptography;
using System.Text;

namespace Relay.Bench;

/// <summary>
/// Unique, correctly signed <c>acme</c> webhooks. The event id <c>bench-{run}-{phase}-{seq}</c> travels through
/// Relay into the delivered payload, where the sink reads the phase and sequence number back.
/// </summary>
public sealed class AcmeWebhooks(string runId, string secret)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(secret);

    public string RunId { get; } = runId;

    /// <summary>The marker the sink looks for in a delivered body, followed by <c>{phase}-{seq}</c>.</summary>
    public byte[] Marker { get; } = Encoding.UTF8.GetBytes($"\"bench-{runId}-");

    /// <summary>A realistic invoice event of about 500 bytes and its <c>x-acme-signature</c>.</summary>
    public (byte[] Body, string Signature) Create(int phase, int seq, DateTimeOffset now)
    {
        var customer = seq % 997;
        var body = Encoding.UTF8.GetBytes(
            $"{{\"eventId\":\"bench-{RunId}-{phase}-{seq}\",\"eventType\":\"invoice.paid\",\"occurredAt\":\"{now:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"subject\":\"cus_{customer:D6}\"," +
            $"\"data\":{{\"id\":\"inv_{phase}_{seq:D8}\",\"object\":\"invoice\",\"status\":\"paid\",\"amount\":{4200 + seq % 5000},\"currency\":\"eur\"," +
            $"\"customer\":{{\"id\":\"cus_{customer:D6}\",\"email\":\"billing+{customer}@example.com\",\"country\":\"DE\"}}," +
            "\"lines\":[{\"description\":\"Relay Pro (monthly)\",\"quantity\":1,\"unitAmount\":3900},{\"description\":\"Extra destinations\",\"quantity\":3,\"unitAmount\":100}]," +
            $"\"metadata\":{{\"source\":\"relay-bench\",\"phase\":{phase},\"seq\":{seq}}}}}}}");
        return (body, Sign(body));
    }

    public string Sign(byte[] body) => Convert.ToHexStringLower(HMACSHA256.HashData(key, body));

    /// <summary>Finds <c>"bench-{run}-{phase}-{seq}</c> in a delivered body; false when it is not one of this run's.</summary>
    public bool TryParse(ReadOnlySpan<byte> body, out int phase, out int seq)
    {
        phase = seq = -1;
        var at = body.IndexOf(Marker);
        if (at < 0)
        {
            return false;
        }
        var rest = body[(at + Marker.Length)..];
        return ReadNumber(ref rest, out phase) && rest.Length > 0 && rest[0] == (byte)'-' && ReadNumber(ref rest, out seq, skip: 1);
    }

    private static bool ReadNumber(ref ReadOnlySpan<byte> span, out int value, int skip = 0)
    {
        span = span[skip..];
        value = 0;
        var digits = 0;
        while (digits < span.Length && span[digits] is >= (byte)'0' and <= (byte)'9' && digits < 9)
        {
            value = value * 10 + (span[digits] - '0');
            digits++;
        }
        span = span[digits..];
        return digits > 0;
    }
}
