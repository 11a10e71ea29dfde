using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Relay.Infrastructure.Redis;

/// <summary>
/// One TCP (or TLS) connection shared by all callers. A single writer loop drains a queue of commands into the
/// socket, flushing once per burst, and a single reader loop hands replies out in order to the commands that
/// were written: Redis answers strictly in order, so FIFO matching is all the bookkeeping there is.
/// Once broken, a connection stays broken; <see cref="RespRedisClient"/> replaces it.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    // Above this many buffered bytes the writer flushes mid-burst, so one huge burst does not buffer without bound.
    private const int FlushThresholdBytes = 64 * 1024;

    private readonly Socket socket;
    private readonly Stream stream;
    private readonly PipeReader input;
    private readonly PipeWriter output;
    private readonly Channel<PendingCommand> outgoing = Channel.CreateUnbounded<PendingCommand>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    // Commands written (or being written) whose replies have not arrived, oldest first.
    private readonly ConcurrentQueue<PendingCommand> awaitingReply = new();
    private readonly CancellationTokenSource shutdown = new();
    private readonly TimeProvider timeProvider;
    private readonly TimeSpan commandTimeout;
    private readonly string endpoint;
    private readonly ILogger logger;
    private readonly ITimer watchdog;
    private readonly Task completion;
    private Exception? failure;

    private RespConnection(Socket socket, Stream stream, RedisClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        this.socket = socket;
        this.stream = stream;
        this.timeProvider = timeProvider;
        this.logger = logger;
        commandTimeout = options.CommandTimeout;
        endpoint = $"{options.ConnectionString.Host}:{options.ConnectionString.Port}";
        input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));

        // One timer per connection rather than one per command: replies come in order, so only the oldest
        // outstanding command can be the first to pass the timeout.
        var period = TimeSpan.FromTicks(Math.Clamp(commandTimeout.Ticks / 8, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromMilliseconds(250).Ticks));
        watchdog = timeProvider.CreateTimer(static state => ((RespConnection)state!).AbortIfReplyOverdue(), this, period, period);
        completion = RunAsync();
    }

    /// <summary>False once the connection broke or was closed; it never becomes usable again.</summary>
    public bool IsOpen => Volatile.Read(ref failure) is null;

    /// <summary>Connects, optionally negotiates TLS, then sends AUTH and SELECT, all within the connect timeout.</summary>
    public static async Task<RespConnection> ConnectAsync(RedisClientOptions options, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        var settings = options.ConnectionString;
        var endpoint = $"{settings.Host}:{settings.Port}";
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var token = linked.Token;

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        RespConnection? connection = null;
        try
        {
            await socket.ConnectAsync(settings.Host, settings.Port, token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (settings.Ssl)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = settings.Host,
                        RemoteCertificateValidationCallback = options.CertificateValidation,
                    },
                    token).ConfigureAwait(false);
            }

            connection = new RespConnection(socket, stream, options, timeProvider, logger);
            if (settings.Password is not null)
            {
                string[] auth = settings.User is null ? ["AUTH", settings.Password] : ["AUTH", settings.User, settings.Password];
                await connection.HandshakeAsync(auth, "authentication", token).ConfigureAwait(false);
            }
            if (settings.DefaultDatabase != 0)
            {
                await connection.HandshakeAsync(["SELECT", settings.DefaultDatabase.ToString(System.Globalization.CultureInfo.InvariantCulture)], "SELECT", token).ConfigureAwait(false);
            }
            logger.LogInformation("Connected to Redis at {Endpoint}", endpoint);
            return connection;
        }
        catch (Exception exception)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
                if (stream is not null)
                {
                    await DisposeQuietlyAsync(stream).ConfigureAwait(false);
                }
            }

            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw new RedisConnectionException($"Connecting to Redis at {endpoint} was abandoned because the client is shutting down.", exception);
            }
            throw exception switch
            {
                OperationCanceledException => new RedisConnectionException($"Timed out after {options.ConnectTimeout.TotalMilliseconds:0} ms connecting to Redis at {endpoint}."),
                RedisConnectionException connectionException => connectionException,
                RedisServerException serverException => new RedisConnectionException($"Redis at {endpoint} refused the connection handshake: {serverException.Message}", serverException),
                AuthenticationException => new RedisConnectionException($"TLS handshake with Redis at {endpoint} failed: {exception.Message}", exception),
                _ => new RedisConnectionException($"Could not connect to Redis at {endpoint}: {exception.Message}", exception),
            };
        }
    }

    /// <summary>
    /// Queues a command (with any <see cref="PendingCommand.Next"/> chain) for writing. False when the connection
    /// is already closed, in which case nothing was sent and the caller may try another connection.
    /// </summary>
    public bool TrySend(PendingCommand command)
    {
        var now = timeProvider.GetTimestamp();
        for (var link = command; link is not null; link = link.Next)
        {
            link.SentTimestamp = now;
        }
        return outgoing.Writer.TryWrite(command);
    }

    /// <summary>Closes the connection; every command still queued or awaiting a reply fails.</summary>
    public void Abort(Exception reason)
    {
        if (Interlocked.CompareExchange(ref failure, reason, null) is not null)
        {
            return;
        }
        if (reason is not ObjectDisposedException)
        {
            logger.LogWarning("Redis connection to {Endpoint} closed: {Reason}", endpoint, reason.Message);
        }
        outgoing.Writer.TryComplete();
        watchdog.Dispose();
        // Closing the socket unblocks a read or write stuck in the kernel; cancelling the token ends the loops' waits.
        socket.Dispose();
        _ = shutdown.CancelAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Abort(new ObjectDisposedException(nameof(RespRedisClient)));
        await completion.ConfigureAwait(false);
    }

    private async Task HandshakeAsync(string[] arguments, string step, CancellationToken cancellationToken)
    {
        var command = new PendingCommand(arguments);
        if (!TrySend(command))
        {
            throw new RedisConnectionException($"Connection to Redis at {endpoint} closed during {step}.");
        }
        try
        {
            await command.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException exception)
        {
            // The server's message (e.g. "WRONGPASS invalid username-password pair") never contains the password.
            throw new RedisConnectionException($"Redis {step} failed at {endpoint}: {exception.Message}", exception);
        }
    }

    private async Task RunAsync()
    {
        await Task.WhenAll(Task.Run(ReadLoopAsync), Task.Run(WriteLoopAsync)).ConfigureAwait(false);

        // Both loops have stopped, so nothing can join awaitingReply any more, and the completed channel
        // accepts no new commands: whatever is left fails now and nobody is left waiting forever.
        var reason = Volatile.Read(ref failure)!;
        while (awaitingReply.TryDequeue(out var command))
        {
            command.Fail(CreateFailure(reason, command.Name));
        }
        while (outgoing.Reader.TryRead(out var command))
        {
            for (var link = command; link is not null; link = link.Next)
            {
                link.Fail(CreateFailure(reason, link.Name));
            }
        }

        await input.CompleteAsync().ConfigureAwait(false);
        await output.CompleteAsync().ConfigureAwait(false);
        // shutdown is not disposed: CancelAsync may still be running its callbacks, and without a timer or
        // wait handle a CancellationTokenSource holds nothing that needs releasing.
        await DisposeQuietlyAsync(stream).ConfigureAwait(false);
    }

    private static async ValueTask DisposeQuietlyAsync(Stream stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            // The socket is already closed; nothing more to release.
        }
    }

    private async Task WriteLoopAsync()
    {
        var commands = outgoing.Reader;
        try
        {
            while (await commands.WaitToReadAsync(shutdown.Token).ConfigureAwait(false))
            {
                // Take everything queued so far and flush once: under load, many callers share one syscall.
                while (commands.TryRead(out var command))
                {
                    for (var link = command; link is not null; link = link.Next)
                    {
                        // Registered before its bytes can reach the server, so the reply always finds it.
                        awaitingReply.Enqueue(link);
                        RespWriter.WriteCommand(output, link.Arguments);
                    }
                    if (output.CanGetUnflushedBytes && output.UnflushedBytes >= FlushThresholdBytes)
                    {
                        await output.FlushAsync(shutdown.Token).ConfigureAwait(false);
                    }
                }
                await output.FlushAsync(shutdown.Token).ConfigureAwait(false);
            }
            Abort(new RedisConnectionException("The connection was closed."));
        }
        catch (Exception exception)
        {
            Abort(exception);
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(shutdown.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = DispatchReplies(buffer);
                input.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    Abort(new RedisConnectionException("The server closed the connection."));
                    return;
                }
            }
        }
        catch (Exception exception)
        {
            Abort(exception);
        }
    }

    /// <summary>Completes one waiting command per whole reply in the buffer; returns where the unparsed rest begins.</summary>
    private SequencePosition DispatchReplies(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        var consumed = buffer.Start;
        while (RespParser.TryParse(ref reader, out var reply))
        {
            consumed = reader.Position;
            if (!awaitingReply.TryDequeue(out var command))
            {
                throw new InvalidDataException("Redis sent a reply no command was waiting for.");
            }
            command.Complete(reply);
        }
        return consumed;
    }

    private void AbortIfReplyOverdue()
    {
        if (awaitingReply.TryPeek(out var oldest) && timeProvider.GetElapsedTime(oldest.SentTimestamp) >= commandTimeout)
        {
            Abort(new RedisTimeoutException(
                $"Redis at {endpoint} did not answer {oldest.Name} within {commandTimeout.TotalMilliseconds:0} ms; the connection was dropped."));
        }
    }

    private Exception CreateFailure(Exception reason, string commandName) => reason switch
    {
        RedisTimeoutException timeout => new RedisTimeoutException(timeout.Message),
        ObjectDisposedException => new RedisConnectionException($"{commandName} was not answered: the Redis client was disposed."),
        _ => new RedisConnectionException($"Connection to Redis at {endpoint} was lost before {commandName} was answered: {reason.Message}", reason),
    };
}
