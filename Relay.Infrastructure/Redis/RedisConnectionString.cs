using System.Globalization;
using System.Text;

namespace Relay.Infrastructure.Redis;

/// <summary>
/// The StackExchange-style connection string Aspire injects as <c>ConnectionStrings:redis</c>:
/// <c>host:port[,password=..][,user=..][,ssl=true][,abortConnect=false][,defaultDatabase=N]</c>.
/// Unknown options are ignored so newer Aspire versions adding options do not break startup.
/// </summary>
public sealed class RedisConnectionString
{
    public const int DefaultPort = 6379;

    public required string Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    /// <summary>ACL user name for <c>AUTH user password</c>; null sends <c>AUTH password</c>.</summary>
    public string? User { get; init; }

    public string? Password { get; init; }

    public bool Ssl { get; init; }

    /// <summary>Parsed for compatibility only: this client always connects lazily and never aborts at startup.</summary>
    public bool AbortConnect { get; init; } = true;

    public int DefaultDatabase { get; init; }

    /// <summary>Parses the connection string; error messages never repeat the password.</summary>
    /// <exception cref="FormatException">The string is empty, has no or several endpoints, or an option has a bad value.</exception>
    public static RedisConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);

        string? endpoint = null;
        string? user = null;
        string? password = null;
        var ssl = false;
        var abortConnect = true;
        var defaultDatabase = 0;

        foreach (var part in connectionString.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                if (endpoint is not null)
                {
                    throw new FormatException($"Redis connection string names more than one endpoint ('{endpoint}' and '{part}'); only a single server is supported.");
                }
                endpoint = part;
                continue;
            }

            var name = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            switch (name.ToLowerInvariant())
            {
                case "password":
                    password = value;
                    break;
                case "user":
                    user = value.Length == 0 ? null : value;
                    break;
                case "ssl":
                    ssl = ParseBoolean(name, value);
                    break;
                case "abortconnect":
                    abortConnect = ParseBoolean(name, value);
                    break;
                case "defaultdatabase":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out defaultDatabase))
                    {
                        throw new FormatException($"Invalid value '{value}' for Redis connection string option '{name}'; expected a database number of 0 or more.");
                    }
                    break;
                default:
                    // Options this client has no use for (connectTimeout, name, ...) are ignored on purpose.
                    break;
            }
        }

        if (endpoint is null)
        {
            throw new FormatException("Redis connection string has no endpoint; expected 'host:port' first, e.g. 'localhost:6379,password=...'.");
        }

        var (host, port) = ParseEndpoint(endpoint);
        return new RedisConnectionString
        {
            Host = host,
            Port = port,
            User = user,
            Password = string.IsNullOrEmpty(password) ? null : password,
            Ssl = ssl,
            AbortConnect = abortConnect,
            DefaultDatabase = defaultDatabase,
        };
    }

    private static (string Host, int Port) ParseEndpoint(string endpoint)
    {
        string host;
        string? portText = null;
        if (endpoint.StartsWith('['))
        {
            // Bracketed IPv6: [::1]:6379 or [::1]
            var close = endpoint.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"Invalid Redis endpoint '{endpoint}': missing ']' after the IPv6 address.");
            }
            host = endpoint[1..close];
            var rest = endpoint[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    throw new FormatException($"Invalid Redis endpoint '{endpoint}': expected ':port' after ']'.");
                }
                portText = rest[1..];
            }
        }
        else
        {
            var firstColon = endpoint.IndexOf(':', StringComparison.Ordinal);
            var lastColon = endpoint.LastIndexOf(':');
            if (firstColon >= 0 && firstColon == lastColon)
            {
                host = endpoint[..firstColon];
                portText = endpoint[(firstColon + 1)..];
            }
            else
            {
                // No colon: host alone. Several colons without brackets: a bare IPv6 address.
                host = endpoint;
            }
        }

        if (host.Length == 0)
        {
            throw new FormatException($"Invalid Redis endpoint '{endpoint}': the host is empty.");
        }
        if (portText is null)
        {
            return (host, DefaultPort);
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"Invalid port '{portText}' in Redis endpoint '{endpoint}'; expected a number from 1 to 65535.");
        }
        return (host, port);
    }

    private static bool ParseBoolean(string name, string value) =>
        bool.TryParse(value, out var result)
            ? result
            : throw new FormatException($"Invalid value '{value}' for Redis connection string option '{name}'; expected true or false.");

    /// <summary>The endpoint and options, with the password masked, so the value can be logged.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host).Append(':').Append(Port.ToString(CultureInfo.InvariantCulture));
        if (User is not null)
        {
            text.Append(",user=").Append(User);
        }
        if (Password is not null)
        {
            text.Append(",password=*****");
        }
        if (Ssl)
        {
            text.Append(",ssl=true");
        }
        if (DefaultDatabase != 0)
        {
            text.Append(",defaultDatabase=").Append(DefaultDatabase.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
