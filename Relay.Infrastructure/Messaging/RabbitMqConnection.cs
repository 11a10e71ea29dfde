namespace Relay.Infrastructure.Messaging;

/// <summary>The parts of <c>ConnectionStrings:rabbitmq</c> (<c>amqp[s]://user:pass@host:port[/vhost]</c>, as Aspire injects it).</summary>
public sealed record RabbitMqConnection(string Host, int Port, string VirtualHost, string Username, string Password, bool UseSsl)
{
    public static RabbitMqConnection Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            throw new FormatException("ConnectionStrings:rabbitmq must look like amqp://user:pass@host:port/vhost.");
        }
        var useSsl = uri.Scheme == "amqps";
        var userInfo = uri.UserInfo.Split(':', 2);
        var username = userInfo.Length > 0 && userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest";
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest";
        var path = uri.AbsolutePath.TrimStart('/');
        var virtualHost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (useSsl ? 5671 : 5672) : uri.Port;
        return new RabbitMqConnection(uri.Host, port, virtualHost, username, password, useSsl);
    }

    // Never print the password.
    public override string ToString() => $"{(UseSsl ? "amqps" : "amqp")}://{Username}@{Host}:{Port}/{VirtualHost}";
}
