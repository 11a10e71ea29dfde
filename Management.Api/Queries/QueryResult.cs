using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Relay.Management.Api.Queries;

/// <summary>
/// A parsed query, or the reasons it could not be parsed (parameter name → message); <see cref="Parameters"/> names
/// every parameter the route reads (the OpenAPI document lists them, see <c>Apis/QueryParameterDocumentation</c>).
/// </summary>
public sealed record QueryResult<T>(T? Value, IReadOnlyDictionary<string, string> Errors, IReadOnlyList<string> Parameters) where T : class
{
    public bool IsValid => Value is not null;

    /// <summary>The query built by <paramref name="build"/>, unless a value was bad or a parameter is one the route does not read.</summary>
    public static QueryResult<T> From(QueryReader reader, Func<T> build)
    {
        reader.RejectUnknown();
        return new QueryResult<T>(reader.IsValid ? build() : null, reader.Errors, reader.Supported);
    }
}
