namespace Relay.Infrastructure.Data;

/// <summary>
/// Seeds data after the migrations in Development. Registered by the services that can seed (see
/// <c>Relay.Infrastructure.Seeding</c>), so the database wiring depends on no seeder.
/// </summary>
public interface IDatabaseSeeder
{
    Task SeedAsync(CancellationToken cancellationToken);
}
