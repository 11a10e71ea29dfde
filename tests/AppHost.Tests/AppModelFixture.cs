using Microsoft.Extensions.DependencyInjection;

namespace Relay.AppHost.Tests;

/// <summary>
/// Runs AppHost/AppHost.cs through the Aspire testing builder and builds (but never starts) the distributed
/// application, so the tests can read the model. <see cref="ContainerModelFixture"/> and <see cref="LocalModelFixture"/>
/// pick the two ways the backing services run.
/// </summary>
public abstract class AppModelFixture(string infrastructure) : IAsyncLifetime
{
    public const string ManagementApiKey = "apphost-model-test-management-key";
    public const string EncryptionKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    private DistributedApplication? _app;

    public DistributedApplicationModel Model { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            $"--Relay:Infrastructure={infrastructure}",
            $"--Parameters:management-api-key={ManagementApiKey}",
            $"--Parameters:encryption-key={EncryptionKey}",
        ]);
        _app = await builder.BuildAsync();
        Model = _app.Services.GetRequiredService<DistributedApplicationModel>();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public IResource Resource(string name) =>
        Assert.Single(Model.Resources, r => string.Equals(r.Name, name, StringComparison.Ordinal));

    public ProjectResource Project(string name) => Assert.IsType<ProjectResource>(Resource(name));

    /// <summary>
    /// The environment a resource gets, evaluated in publish mode so that values are the manifest expressions
    /// ("{relaydb.connectionString}", "{ingress-api.bindings.http.url}", ...) rather than live values.
    /// </summary>
    public static async Task<Dictionary<string, string>> PublishEnvironmentAsync(IResourceWithEnvironment resource)
    {
        // Documented for exactly this use in unit tests; newer APIs replace it but do not yet cover publish mode.
#pragma warning disable CS0618
        return await resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618
    }
}
