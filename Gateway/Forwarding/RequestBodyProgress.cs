using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Relay.Gateway.Forwarding;

/// <summary>
/// How much of the client's body the gateway has read, and since when. Both the gateway and the upstream enforce the
/// same minimum data rate on the same bytes, and whichever checks first cuts a slow client. When it is the upstream,
/// YARP sees only its connection closing (a broken pipe while sending the body); this tells that apart from an
/// upstream failure, so the client still gets the 408 the gateway itself would have given.
/// </summary>
public sealed class RequestBodyProgress(Stream body, TimeProvider timeProvider) : Stream
{
    private long bytesRead;
    private long firstReadTimestamp;

    public long BytesRead => Interlocked.Read(ref bytesRead);

    /// <summary>
    /// The body had been read for at least the grace period at below the rate (with a tenth of tolerance: the two
    /// hops start their clocks a moment apart and check on their own one-second heartbeats).
    /// </summary>
    public bool WasBelow(MinDataRate rate)
    {
        var started = Interlocked.Read(ref firstReadTimestamp);
        if (started == 0)
        {
            return false;
        }
        var elapsed = timeProvider.GetElapsedTime(started);
        return elapsed >= rate.GracePeriod && BytesRead < rate.BytesPerSecond * elapsed.TotalSeconds * 1.1;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Interlocked.CompareExchange(ref firstReadTimestamp, timeProvider.GetTimestamp(), 0);
        var read = await body.ReadAsync(buffer, cancellationToken);
        Interlocked.Add(ref bytesRead, read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        Interlocked.CompareExchange(ref firstReadTimestamp, timeProvider.GetTimestamp(), 0);
        var read = body.Read(buffer, offset, count);
        Interlocked.Add(ref bytesRead, read);
        return read;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
