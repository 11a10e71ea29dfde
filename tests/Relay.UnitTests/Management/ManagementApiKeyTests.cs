using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Relay.Management.Api.Security;

namespace Relay.UnitTests.Management;

public sealed class ManagementApiKeyTests
{
    private static ManagementApiKey From(string? key) => ManagementApiKey.FromConfiguration(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Relay:ManagementApiKey"] = key }).Build());

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("                    ")]
    [InlineData("fifteen-chars!!")]
    public void A_missing_or_short_key_refuses_to_start(string? key)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => From(key));
        Assert.Contains("Relay:ManagementApiKey", exception.Message);
        Assert.Contains("at least 16 characters", exception.Message);
    }

    [Fact]
    public void The_message_never_contains_the_key()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => From("short-secret"));
        Assert.DoesNotContain("short-secret", exception.Message);
    }

    [Fact]
    public void Only_the_exact_key_given_once_matches()
    {
        var key = From("sixteen-chars-ok");

        Assert.True(key.Matches(new StringValues("sixteen-chars-ok")));
        Assert.False(key.Matches(new StringValues("sixteen-chars-oK")));
        Assert.False(key.Matches(new StringValues("sixteen-chars-ok ")));
        Assert.False(key.Matches(new StringValues("")));
        Assert.False(key.Matches(StringValues.Empty));
        Assert.False(key.Matches(new StringValues(["sixteen-chars-ok", "sixteen-chars-ok"])));
    }

    [Theory]
    [InlineData("/api/v1/integrations", true)]
    [InlineData("/api/v1/events", true)]
    [InlineData("/api/v1/events/", true)]
    [InlineData("/api/v1/events/6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f/status", true)]
    [InlineData("/api/v1/events/anything/else/entirely", true)]
    [InlineData("/API/V1/EVENTS", true)]
    [InlineData("/api/v1/deliveries", true)]
    [InlineData("/api/v1/audit-entries/x", true)]
    [InlineData("/api/v1/processing-status/x", true)]
    [InlineData("/api/v1/replays", true)]
    [InlineData("/api/v1/eventsx", false)]
    [InlineData("/health", false)]
    [InlineData("/alive", false)]
    public void Every_path_under_a_management_prefix_is_protected(string path, bool isProtected)
    {
        Assert.Equal(isProtected, ManagementApiKeyMiddleware.IsProtected(new Microsoft.AspNetCore.Http.PathString(path)));
    }
}
