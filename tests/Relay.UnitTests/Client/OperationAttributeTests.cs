using System.Reflection;
using Relay.Client;

namespace Relay.UnitTests.Client;

/// <summary>Every call the client makes names its operation, which the integration tests compare with the gateway's OpenAPI document.</summary>
public sealed class OperationAttributeTests
{
    [Fact]
    public void Every_public_method_of_the_resource_groups_names_its_operation()
    {
        var groups = typeof(RelayClient).GetProperties().Select(property => property.PropertyType).ToList();
        var methods = groups.SelectMany(group => group.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)).ToList();

        Assert.Equal(11, groups.Count);
        Assert.True(methods.Count > 40, $"{methods.Count} methods");
        Assert.Empty(methods.Where(method => method.GetCustomAttribute<RelayOperationAttribute>() is null).Select(method => $"{method.DeclaringType!.Name}.{method.Name}"));
    }

    [Fact]
    public void Every_public_method_is_asynchronous_and_cancellable()
    {
        var methods = typeof(RelayClient).GetProperties()
            .SelectMany(property => property.PropertyType.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));

        var wrong = methods.Where(method =>
                !(typeof(Task).IsAssignableFrom(method.ReturnType) || method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))
                || method.GetParameters().LastOrDefault()?.ParameterType != typeof(CancellationToken)
                || !method.Name.EndsWith("Async", StringComparison.Ordinal))
            .Select(method => $"{method.DeclaringType!.Name}.{method.Name}");

        Assert.Empty(wrong);
    }
}
