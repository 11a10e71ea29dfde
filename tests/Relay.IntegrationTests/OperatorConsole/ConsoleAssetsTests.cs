using System.Net;
using System.Net.Http.Headers;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.OperatorConsole;

/// <summary>How the gateway serves the console's files: the shell for every page path, strict headers, revalidation.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ConsoleAssetsTests(RelayCluster cluster)
{
    [Fact]
    public async Task The_console_root_redirects_to_its_folder()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = cluster.GatewayAddress };
        using var response = await http.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/console/")]
    [InlineData("/console/events")]
    [InlineData("/console/events/2f0c7c1e-3a52-4f1d-9e3b-0c5d4c1f9a77")]
    public async Task Every_page_path_answers_the_shell_with_a_strict_policy(string path)
    {
        using var http = cluster.CreateClient();
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"/console/js/app.js\">", html);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task Scripts_are_served_as_javascript_and_revalidated_by_etag()
    {
        using var http = cluster.CreateClient();
        using var first = await http.GetAsync("/console/js/app.js");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/javascript", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
        var etag = first.Headers.ETag ?? throw new Xunit.Sdk.XunitException("no ETag");

        using var again = new HttpRequestMessage(HttpMethod.Get, "/console/js/app.js");
        again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        using var revalidated = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_missing_file_is_404_and_other_methods_are_405()
    {
        using var http = cluster.CreateClient();
        using var missing = await http.GetAsync("/console/js/no-such-module.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var post = await http.PostAsync("/console/", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Contains("GET", post.Content.Headers.Allow);
    }
}
