using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Relay.Delivery.Worker.Delivery;
using Relay.Delivery.Worker.Extensions;
using Relay.Infrastructure.Security.Outbound;

namespace Relay.UnitTests.Delivery;

/// <summary>
/// The delivery client under the real ServiceDefaults, which put service discovery on every HttpClient: a callback
/// whose host happens to be a configured service name must still go to that host, checked by the SSRF guard.
/// </summary>
public sealed class DeliveryHttpClientTests
{
    private const string CallbackHost = "customer-hooks";
    private const string InternalHost = "internal-service";

    [Fact]
    public async Task Callback_host_is_not_resolved_through_service_discovery()
    {
        using var host = BuildHost();
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();

        // Control: a client with the defaults sends a request for customer-hooks to the configured service.
        var rewritten = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => factory.CreateClient("other").PostAsync($"http://{CallbackHost}/hook", new StringContent("{}")));
        Assert.StartsWith($"Destination {InternalHost} ", rewritten.Message);

        // The delivery client asks the guard about the callback's own host.
        var delivered = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => factory.CreateClient(DeliveryService.HttpClientName).PostAsync($"http://{CallbackHost}/hook", new StringContent("{}")));
        Assert.Equal($"Destination {CallbackHost} resolves to 10.0.0.1, a private address", delivered.Message);
    }

    private static IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"services:{CallbackHost}:http:0"] = $"http://{InternalHost}:8080",
        });
        builder.AddServiceDefaults();
        // Every name resolves to a private address, so the guard refuses before any connection and names the host it was asked about.
        var guard = new OutboundUrlGuard(OutboundAllowList.Empty, (_, _) => Task.FromResult(new[] { IPAddress.Parse("10.0.0.1") }));
        builder.Services.AddSingleton(guard);
        builder.Services.AddHttpClient("other").ConfigurePrimaryHttpMessageHandler(() => SafeOutboundHandler.Create(guard));
        builder.Services.AddDeliveryHttpClient();
        return builder.Build();
    }
}
