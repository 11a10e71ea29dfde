namespace Relay.Infrastructure.Redis;

/// <summary>Base type of every failure reported by <see cref="RespRedisClient"/>.</summary>
public class RedisException : Exception
{
    public RedisException(string message)
        : base(message)
    {
    }

    public RedisException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The server answered with a RESP error reply (for example <c>WRONGTYPE ...</c> or <c>NOAUTH ...</c>).</summary>
public sealed class RedisServerException : RedisException
{
    public RedisServerException(string message)
        : base(message)
    {
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        ErrorCode = space > 0 ? message[..space] : message;
    }

    /// <summary>The first word of the error reply, e.g. <c>ERR</c>, <c>WRONGTYPE</c>, <c>NOAUTH</c>.</summary>
    public string ErrorCode { get; }
}

/// <summary>
/// The command could not be sent or its reply never arrived: the server is unreachable, refused the
/// handshake, or the connection broke while the command was in flight. The command may or may not have run.
/// </summary>
public class RedisConnectionException : RedisException
{
    public RedisConnectionException(string message)
        : base(message)
    {
    }

    public RedisConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// No reply within the command timeout. It is a <see cref="RedisConnectionException"/> because the client
/// gives up on the whole connection then: a server that stops answering stalls every command queued behind it.
/// </summary>
public sealed class RedisTimeoutException : RedisConnectionException
{
    public RedisTimeoutException(string message)
        : base(message)
    {
    }
}
