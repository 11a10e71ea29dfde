using Microsoft.Extensions.DependencyInjection;

namespace Relay.AppHost.Tests;

/// <summary>
/// Runs AppHost/AppHost.cs through the Aspire testing builder and builds (but never starts) the
/// distributed application, so the tests can read the resulting model without Docker or DCP.
/// </summary>
public sealed class AppModelFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    public DistributedApplicationModel Model { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>();
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
    /// The environment a resource gets, evaluated in publish mode so that values are the manifest
    /// expressions ("{relaydb.connectionString}", "{ingress-api.bindings.http.url}", ...) rather than live
    /// values that would need a running application.
    /// </summary>
    public static async Task<Dictionary<string, string>> PublishEnvironmentAsync(IResourceWithEnvironment resource)
    {
        // Documented for exactly this use in unit tests; later Aspire versions mark it obsolete in favour of
        // ExecutionConfigurationBuilder, which 13.1 may not have. Keep it compiling under warnings-as-errors.
#pragma warning disable CS0618
        return await resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618
    }
}
