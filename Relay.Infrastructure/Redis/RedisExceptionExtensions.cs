using StackExchange.Redis;

namespace Relay.Infrastructure.Redis;

public static class RedisExceptionExtensions
{
    /// <summary>
    /// Redis could not run the command: unreachable or refusing the connection (<see cref="RedisConnectionException"/>),
    /// answering with an error (<see cref="RedisServerException"/>), or not answering in time
    /// (<see cref="RedisTimeoutException"/>, which is a <see cref="TimeoutException"/>, not a <see cref="RedisException"/>).
    /// </summary>
    public static bool IsRedisFailure(this Exception exception) => exception is RedisException or RedisTimeoutException;
}
