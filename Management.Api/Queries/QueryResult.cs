using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Relay.Management.Api.Queries;

/// <summary>A parsed query, or the reasons it could not be parsed (parameter name → message).</summary>
public sealed record QueryResult<T>(T? Value, IReadOnlyDictionary<string, string> Errors) where T : class
{
    public bool IsValid => Value is not null;

    /// <summary>The query built by <paramref name="build"/>, unless a value was bad or a parameter is one the route does not read.</summary>
    public static QueryResult<T> From(QueryReader reader, Func<T> build)
    {
        reader.RejectUnknown();
        return reader.IsValid ? new QueryResult<T>(build(), reader.Errors) : new QueryResult<T>(null, reader.Errors);
    }
}
