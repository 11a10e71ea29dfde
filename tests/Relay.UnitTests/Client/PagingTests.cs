using Relay.Client;

namespace Relay.UnitTests.Client;

public sealed class PagingTests
{
    [Fact]
    public async Task ListAllAsync_follows_next_cursor_until_the_last_page_and_keeps_the_filters()
    {
        var handler = new ScriptedHandler(
            _ => ScriptedHandler.Json(Page(["a", "b"], "c1")),
            _ => ScriptedHandler.Json(Page(["c"], "c/2+")),
            _ => ScriptedHandler.Json(Page(["d"], null)));
        using var relay = new RelayClient(handler.Client(), new RelayClientOptions("key"));

        var names = new List<string>();
        await foreach (var key in relay.ApiKeys.ListAllAsync(new ApiKeyListQuery { ActiveOnly = true, Limit = 2 }))
        {
            names.Add(key.Name);
        }

        Assert.Equal(["a", "b", "c", "d"], names);
        Assert.Equal(
            ["/api/v1/api-keys?activeOnly=true&limit=2", "/api/v1/api-keys?activeOnly=true&limit=2&cursor=c1", "/api/v1/api-keys?activeOnly=true&limit=2&cursor=c%2F2%2B"],
            handler.Requests.Select(request => request.RequestUri!.PathAndQuery));
    }

    [Fact]
    public async Task ListAsync_answers_one_page_with_its_cursor_and_asks_for_the_default_limit()
    {
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json(Page(["a"], "next")));
        using var relay = new RelayClient(handler.Client(), new RelayClientOptions("key"));

        var page = await relay.ApiKeys.ListAsync(new ApiKeyListQuery { Cursor = "start" });

        Assert.Equal("a", Assert.Single(page.Items).Name);
        Assert.Equal("next", page.NextCursor);
        Assert.True(page.HasMore);
        Assert.Equal($"/api/v1/api-keys?limit={ListQuery.DefaultLimit}&cursor=start", handler.Requests[0].RequestUri!.PathAndQuery);
    }

    [Fact]
    public async Task Stopping_early_fetches_no_further_page()
    {
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json(Page(["a", "b"], "more")));
        using var relay = new RelayClient(handler.Client(), new RelayClientOptions("key"));

        await foreach (var _ in relay.ApiKeys.ListAllAsync())
        {
            break;
        }

        Assert.Single(handler.Requests);
    }

    private static string Page(string[] names, string? nextCursor) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            success = true,
            data = names.Select(name => new { id = Guid.NewGuid(), prefix = "rly_x", name, scopes = new[] { "read" }, createdAt = DateTimeOffset.UnixEpoch }),
            meta = new { limit = 2, nextCursor },
        });
}
