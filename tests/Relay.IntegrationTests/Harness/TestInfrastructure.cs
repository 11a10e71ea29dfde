using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace Relay.IntegrationTests.Harness;

/// <summary>
/// Where the real PostgreSQL, Redis and RabbitMQ started by <c>scripts/infra.sh</c> live. <c>./test.sh</c> exports
/// these variables; the defaults are infra.sh's own addresses so a test run from an IDE works too.
/// </summary>
public static class TestInfrastructure
{
    public static string PostgresAdmin => Environment.GetEnvironmentVariable("RELAY_POSTGRES_ADMIN")
        ?? "Host=127.0.0.1;Port=55432;Username=relay;Password=relay;Database=postgres";

    public static string Redis => Environment.GetEnvironmentVariable("ConnectionStrings__redis") ?? "127.0.0.1:56379";

    public static string RabbitMq => (Environment.GetEnvironmentVariable("ConnectionStrings__rabbitmq") ?? "amqp://relay:relay@127.0.0.1:55672/").TrimEnd('/');

    public static Uri RabbitMqManagement => new(Environment.GetEnvironmentVariable("RELAY_RABBITMQ_MANAGEMENT_URL") ?? "http://127.0.0.1:55673");

    public static string DatabaseConnection(string database) =>
        new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = database }.ConnectionString;

    public static HttpClient RabbitMqManagementClient()
    {
        var uri = new Uri(RabbitMq);
        var client = new HttpClient { BaseAddress = RabbitMqManagement, Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo))));
        return client;
    }
}

/// <summary>
/// A database, a RabbitMQ virtual host and a Redis key prefix of its own, so clusters of services started by
/// different tests (or different developers' runs) never see each other's data or messages.
/// </summary>
public sealed class IsolatedDependencies : IAsyncDisposable
{
    private IsolatedDependencies(string name) => Name = name;

    public string Name { get; }
    public string DatabaseName => Name.Replace('-', '_');
    public string VirtualHost => Name;
    public string RedisKeyPrefix => Name + ":";
    public string DatabaseConnectionString => TestInfrastructure.DatabaseConnection(DatabaseName);
    public string RabbitMqConnectionString => $"{TestInfrastructure.RabbitMq}/{Uri.EscapeDataString(VirtualHost)}";

    public static async Task<IsolatedDependencies> CreateAsync(string purpose)
    {
        var dependencies = new IsolatedDependencies($"relay-{purpose}-{Guid.NewGuid():N}"[..Math.Min(40, 16 + purpose.Length + 8)].ToLowerInvariant());
        await using (var connection = new NpgsqlConnection(TestInfrastructure.PostgresAdmin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{dependencies.DatabaseName}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        using var management = TestInfrastructure.RabbitMqManagementClient();
        var vhost = Uri.EscapeDataString(dependencies.VirtualHost);
        (await management.PutAsync($"/api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        var user = Uri.UnescapeDataString(new Uri(TestInfrastructure.RabbitMq).UserInfo.Split(':')[0]);
        (await management.PutAsync($"/api/permissions/{vhost}/{user}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        return dependencies;
    }

    public NpgsqlDataSource OpenDataSource() => NpgsqlDataSource.Create(DatabaseConnectionString);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var management = TestInfrastructure.RabbitMqManagementClient();
            await management.DeleteAsync($"/api/vhosts/{Uri.EscapeDataString(VirtualHost)}");
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception exception)
        {
            // Cleanup must not hide the test's own result; a leftover database is harmless.
            Console.Error.WriteLine($"Cleanup of {Name} failed: {exception.Message}");
        }
    }
}
