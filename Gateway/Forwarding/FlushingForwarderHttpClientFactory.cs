using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Gateway.Forwarding;

/// <summary>
/// YARP's client, with every piece of a request body pushed to the upstream as soon as the client sent it.
/// Without this, HttpClient keeps a body's bytes in its connection buffer (4 KiB) until the buffer is full, so a
/// client sending 400 B/s reached Ingress as a 4 KiB burst every ten seconds with silence between: Ingress's
/// minimum data rate (the same 240 B/s as the gateway's) saw nothing for ten seconds and closed the connection,
/// and the client got a 503 for a rate the gateway itself accepts. Flushed, the upstream sees the client's own pace,
/// so one minimum data rate holds for the whole path. A body that arrives in one read costs no extra write.
/// </summary>
public sealed class FlushingForwarderHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new FlushingRequestBodyHandler(base.WrapHandler(context, handler));

    private sealed class FlushingRequestBodyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                request.Content = new FlushingContent(content);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// Wraps YARP's own request content, which still does the copying (so its error reporting is untouched), and
    /// hands it a stream that flushes after every write.
    /// </summary>
    private sealed class FlushingContent : HttpContent
    {
        private readonly HttpContent inner;

        public FlushingContent(HttpContent inner)
        {
            this.inner = inner;
            // As the client sent them: enumerating the headers themselves would parse and re-format them
            // ("application/ json" became "application/json", which Ingress must refuse).
            foreach (var (name, values) in inner.Headers.NonValidated)
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        // The token is passed on unchanged: YARP compares it with its own to tell HTTP/1.1 from HTTP/2.
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            inner.CopyToAsync(new FlushingStream(stream), context, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    private sealed class FlushingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            inner.Flush();
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
