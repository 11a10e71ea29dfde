using System.Net.Security;

namespace Relay.Infrastructure.Redis;

/// <summary>Settings of one <see cref="RespRedisClient"/>.</summary>
public sealed class RedisClientOptions
{
    public required RedisConnectionString ConnectionString { get; init; }

    /// <summary>Prepended to every key; isolates test runs or tenants sharing one server.</summary>
    public string KeyPrefix { get; init; } = "";

    /// <summary>Limit on TCP connect, TLS handshake, AUTH and SELECT together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longest wait for a reply. When the oldest outstanding command passes it, the connection is dropped and
    /// every command on it fails, so a server that stopped answering never hangs a request.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>For servers whose certificate a private CA signed; null trusts what the machine trusts.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }
}
