using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Relay.Infrastructure.Security.Outbound;

public static class OutboundServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="OutboundUrlGuard"/> built from <c>Relay:Outbound</c>, eagerly, so a bad allow-list
    /// (or any allow-list in Production) stops the service at startup. Pair it with
    /// <c>AddHttpClient(...).ConfigurePrimaryHttpMessageHandler(SafeOutboundHandler.Create)</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRelayOutboundProtection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(OutboundUrlGuard.FromConfiguration(builder.Configuration, builder.Environment));
        return builder;
    }
}
